// `ouro sweep --slurm`: a sweep as a Slurm job array plus a merge job (docs/sweep.md#slurm).
// Task i of the array runs shard i/N of the sweep into OUT/shards/i with --resume, so that a task
// Slurm requeues (--requeue) or a user resubmits continues from its checkpoints; the merge job,
// submitted with --dependency=afterok on the array, merges the N shard folders into OUT/merged,
// which is then the sweep one process would have written. The scripts go to OUT/slurm/ (with the
// tasks' logs), are submitted with `sbatch --parsable`, or only written with --dry-run.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ouro::cli {

struct SlurmJobSpec {
  std::filesystem::path ouro;             // this executable, absolute
  std::filesystem::path config;           // the base config, absolute
  std::vector<std::string> sweep_arguments;  // what each shard's `ouro sweep` takes besides them
  std::filesystem::path out_dir;          // absolute
  std::size_t tasks = 1;                  // N, the array's size
  std::vector<std::string> sbatch_options;  // --sbatch, given to both sbatch calls
};

// `text` quoted for bash (single quotes).
std::string shell_quote(const std::string& text);

// The scripts' text.
std::string array_script(const SlurmJobSpec& spec);
std::string merge_script(const SlurmJobSpec& spec);

// Writes OUT/slurm/{array.sh, merge.sh}; with `submit`, submits both and prints the job ids and
// how to follow them, else prints the sbatch commands. IoError naming sbatch when it is missing or
// refuses a job (its own message quoted).
void write_and_submit_slurm_jobs(const SlurmJobSpec& spec, bool submit);

}  // namespace ouro::cli
