// `ouro sweep --slurm`: see slurm_jobs.hpp.
#include "slurm_jobs.hpp"

#include <cstdio>
#include <sys/wait.h>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "ouro/core/error.hpp"
#include "ouro/io/atomic_file.hpp"

namespace ouro::cli {
namespace {

namespace fs = std::filesystem;

std::string quoted_list(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) {
    out += ' ';
    out += shell_quote(word);
  }
  return out;
}

std::string shard_folder(const SlurmJobSpec& spec, const std::string& task) {
  return fmt::format("{}/{}", shell_quote((spec.out_dir / "shards").string()), task);
}

void write_script(const fs::path& path, const std::string& text) {
  AtomicFile file(path);
  file.stream() << text;
  file.commit();
  fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add);
}

// The command's standard output; IoError with its output when it fails or cannot start.
std::string run_sbatch(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  OURO_CHECK(pipe != nullptr, IoError, "cannot start `{}`", command);
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = pclose(pipe);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  OURO_CHECK(code != 127, IoError, "sbatch: not found; is Slurm installed here? `ouro sweep --slurm --dry-run` "
             "writes the scripts without submitting them");
  OURO_CHECK(code == 0, IoError, "`{}` failed (exit status {}): {}", command, code, output);
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  return output.substr(0, output.find(';'));  // --parsable: "id" or "id;cluster"
}

}  // namespace

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

std::string array_script(const SlurmJobSpec& spec) {
  const std::string out = spec.out_dir.string();
  return fmt::format(
      "#!/bin/bash\n"
      "# Written by `ouro sweep --slurm`: task i of {tasks} runs shard i/{tasks} of the sweep into\n"
      "# {out}/shards/i, continuing from its checkpoints when Slurm requeues it (--resume).\n"
      "#SBATCH --job-name=ouro-sweep\n"
      "#SBATCH --array=0-{last}\n"
      "#SBATCH --output={out}/slurm/shard-%a.log\n"
      "#SBATCH --open-mode=append\n"
      "#SBATCH --requeue\n"
      "set -euo pipefail\n"
      "exec {ouro} sweep {config}{arguments} --shard \"${{SLURM_ARRAY_TASK_ID}}/{tasks}\" --resume --quiet --no-report \\\n"
      "  --out {folder}\n",
      fmt::arg("tasks", spec.tasks), fmt::arg("last", spec.tasks - 1), fmt::arg("out", out),
      fmt::arg("ouro", shell_quote(spec.ouro.string())), fmt::arg("config", shell_quote(spec.config.string())),
      fmt::arg("arguments", quoted_list(spec.sweep_arguments)),
      fmt::arg("folder", shard_folder(spec, "\"${SLURM_ARRAY_TASK_ID}\"")));
}

std::string merge_script(const SlurmJobSpec& spec) {
  std::string shards;
  for (std::size_t i = 0; i < spec.tasks; ++i) {
    shards += ' ';
    shards += shard_folder(spec, std::to_string(i));
  }
  return fmt::format(
      "#!/bin/bash\n"
      "# Written by `ouro sweep --slurm`: once every task of the array has succeeded, merges the\n"
      "# {tasks} shard folders into {out}/merged, the sweep one process would have written.\n"
      "#SBATCH --job-name=ouro-merge\n"
      "#SBATCH --output={out}/slurm/merge.log\n"
      "set -euo pipefail\n"
      "exec {ouro} merge {merged}{shards} --quiet\n",
      fmt::arg("tasks", spec.tasks), fmt::arg("out", spec.out_dir.string()),
      fmt::arg("ouro", shell_quote(spec.ouro.string())),
      fmt::arg("merged", shell_quote((spec.out_dir / "merged").string())), fmt::arg("shards", shards));
}

void write_and_submit_slurm_jobs(const SlurmJobSpec& spec, bool submit) {
  const fs::path dir = spec.out_dir / "slurm";
  std::error_code ec;
  fs::create_directories(dir, ec);
  OURO_CHECK(!ec, IoError, "cannot create '{}': {}", dir.string(), ec.message());
  fs::create_directories(spec.out_dir / "shards", ec);
  OURO_CHECK(!ec, IoError, "cannot create '{}': {}", (spec.out_dir / "shards").string(), ec.message());
  write_script(dir / "array.sh", array_script(spec));
  write_script(dir / "merge.sh", merge_script(spec));
  const std::string options = quoted_list(spec.sbatch_options);
  const std::string array_command = fmt::format("sbatch --parsable{} {}", options, shell_quote((dir / "array.sh").string()));
  const auto merge_command = [&](const std::string& array_job) {
    return fmt::format("sbatch --parsable --dependency=afterok:{}{} {}", array_job, options,
                       shell_quote((dir / "merge.sh").string()));
  };
  if (!submit) {
    fmt::print("wrote {}/{{array.sh, merge.sh}}; submit them with\n  ARRAY_JOB=$({})\n  {}\n", dir.string(),
               array_command, merge_command("$ARRAY_JOB"));
    return;
  }
  const std::string array_job = run_sbatch(array_command);
  const std::string merge_job = run_sbatch(merge_command(array_job));
  fmt::print("submitted job array {} ({} tasks, shard i/{} into {}/shards/i) and merge job {} (after every task "
             "succeeds: {}/merged)\nfollow them with `squeue -j {},{}`; logs in {}/\n",
             array_job, spec.tasks, spec.tasks, spec.out_dir.string(), merge_job, spec.out_dir.string(), array_job,
             merge_job, dir.string());
}

}  // namespace ouro::cli
