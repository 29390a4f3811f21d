// Script of report.html (embedded by embed_assets.cmake): builds the page from the JSON summaries
// in #ouro-data with Vega-Lite through vega-embed. When every chart has rendered it sets
// <body data-render="done" data-charts="N">, or "failed" with the message shown on the page, which
// is what the browser test reads.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('ouro-data').textContent);
  const main = document.getElementById('ouro-report');
  const multi = data.runs.length > 1;
  const pending = [];

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function add(parent, tag, attrs, text) { const n = el(tag, attrs, text); parent.appendChild(n); return n; }
  function fmt(v) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
    return typeof v === 'string' ? v : JSON.stringify(v);
  }
  function table(parent, header, rows) {
    const t = add(parent, 'table');
    const head = add(add(t, 'thead'), 'tr');
    header.forEach((h) => add(head, 'th', {}, h));
    const body = add(t, 'tbody');
    rows.forEach((r) => {
      const tr = add(body, 'tr');
      r.forEach((c) => add(tr, 'td', typeof c === 'number' ? { class: 'num' } : {}, fmt(c)));
    });
    return t;
  }
  function embed(container, spec) {
    spec.$schema = 'https://vega.github.io/schema/vega-lite/v5.json';
    spec.width = 'container';
    spec.autosize = { type: 'fit-x', contains: 'padding' };
    const options = { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } };
    pending.push(vegaEmbed(container, spec, options));
  }

  const runNames = data.runs.map((r) => r.name);
  const colorScale = { domain: runNames };
  // Legends show each run's whole name: the names are made distinct (html_report.cpp, sweep
  // cells by the keys that vary), and Vega-Lite's default cut at 160 px can make them identical.
  const legend = multi ? { title: 'run', labelLimit: 1000, orient: 'bottom', columns: 2 } : null;

  // The y axis title: the metric and its unit.
  function yTitle(metric) { return metric.unit ? metric.name + ' (' + metric.unit + ')' : metric.name; }
  // One metric's chart: band, mean line, median (one run), dashed theory. `width` is a number for
  // `ouro plot`, 'container' on the page.
  function metricSpec(metric, width) {
    const rows = metric.rows.map((r) => ({ run: runNames[r[0]], generation: r[1], mean: r[2], low: r[3], high: r[4],
      n: r[5], median: r[6], se: r[7] }));
    const theory = metric.theory.map((r) => ({ run: runNames[r[0]], generation: r[1], theory: r[2] }));
    let yScale = metric.log ? { type: 'log' } : { zero: false };
    if (metric.constant !== undefined) {
      // A zero-height domain has no readable ticks: span 5% of the value (or 1 around 0) each side.
      const half = Math.abs(metric.constant) * 0.05 || 1;
      yScale = { domain: [metric.constant - half, metric.constant + half] };
    }
    const y = (field) => ({ field, type: 'quantitative', scale: yScale, title: yTitle(metric) });
    // Generations are whole numbers: no 0.1 steps on the axis of a short run.
    const x = { field: 'generation', type: 'quantitative', title: 'generation', axis: { tickMinStep: 1, format: 'd' } };
    const color = { field: 'run', type: 'nominal', scale: colorScale, legend };
    const layer = [
      { data: { values: rows.filter((r) => r.low !== null && r.high !== null) },
        mark: { type: 'area', opacity: 0.22 },
        encoding: { x, y: y('low'), y2: { field: 'high' }, color } },
      { data: { values: rows.filter((r) => r.mean !== null) },
        mark: { type: 'line', strokeWidth: 1.8, tooltip: true },
        encoding: { x, y: y('mean'), color,
          tooltip: [{ field: 'run' }, { field: 'generation' }, { field: 'mean', format: '.4g' },
            { field: 'se', title: 's.e.', format: '.3g' }, { field: 'median', format: '.4g' },
            { field: 'low', format: '.4g' }, { field: 'high', format: '.4g' }, { field: 'n', title: 'replicates' }] } },
    ];
    if (!multi) {
      layer.push({ data: { values: rows.filter((r) => r.median !== null) },
        mark: { type: 'line', strokeDash: [1, 3], strokeWidth: 1.5, color: '#555' },
        encoding: { x, y: y('median') } });
    }
    if (theory.length > 0) {
      layer.push({ data: { values: theory },
        mark: { type: 'line', strokeDash: [6, 4], strokeWidth: 1.5, opacity: 0.9 },
        encoding: { x, y: y('theory'), detail: { field: 'run' }, color: multi ? color : { value: 'black' } } });
    }
    const floor = (metric.floor || []).map((r) => ({ run: runNames[r[0]], generation: r[1], floor: r[2] }));
    if (floor.length > 0) {
      // The real-versus-real floor: what two real sets of the run's sample sizes give.
      layer.push({ data: { values: floor },
        mark: { type: 'line', strokeDash: [8, 3, 2, 3], strokeWidth: 1.5, opacity: 0.9, tooltip: true },
        encoding: { x, y: y('floor'), detail: { field: 'run' }, color: multi ? color : { value: '#c0392b' },
          tooltip: [{ field: 'run' }, { field: 'floor', title: 'real-vs-real floor', format: '.4g' }] } });
    }
    const subtitle = [metric.description, metric.better].filter((t) => t).join('; ');
    return { width, height: 240, title: { text: metric.name + (metric.constant !== undefined ? ' (constant)' : ''),
      subtitle: subtitle || undefined, anchor: 'start' }, layer, resolve: { scale: { y: 'shared' } } };
  }

  // What each line of a metric's chart is, for a figure without the page around it.
  function lineKey(metric) {
    return 'solid: mean over replicates, band: ' + data.band_label + (multi ? '' : '; dotted: median') +
      (metric.theory.length > 0 ? '; dashed: closed-form theory' : '') +
      (metric.floor && metric.floor.length > 0 ? '; dash-dot: real-versus-real floor' : '');
  }

  // A heatmap of one metric over the last two swept keys: each cell's mean ± s.e. printed on it,
  // one colour for every cell when their differences are within noise. `standalone` (ouro plot):
  // sized by its cells, since there is no container to fill.
  function heatmapSpec(h, standalone) {
    const order = (key) => (data.sweep.keys.find((k) => k.key === key) || { labels: [] }).labels;
    const values = h.rows.map((r) => ({ x: r[0], y: r[1], mean: r[2], generation: r[3], cell: r[4], se: r[5], label: r[6] }));
    const means = values.map((v) => v.mean).filter((v) => v !== null);
    const middle = (Math.min(...means) + Math.max(...means)) / 2;
    const x = { field: 'x', type: 'ordinal', sort: order(h.x), title: h.x };
    const y = { field: 'y', type: 'ordinal', sort: order(h.y), title: h.y };
    // Light cells (low values of the blues scheme) carry black text, dark ones white.
    const color = h.within_noise ? { value: '#c6dbef' }
      : { field: 'mean', type: 'quantitative', title: h.metric, scale: { scheme: 'blues' } };
    const textColor = h.within_noise ? { value: 'black' }
      : { condition: { test: 'datum.mean > ' + middle, value: 'white' }, value: 'black' };
    const size = standalone ? { width: 170 * order(h.x).length, height: Math.max(160, 60 * order(h.y).length) }
      : { height: Math.max(120, 40 * order(h.y).length) };
    return { ...size, data: { values },
      layer: [
        { mark: { type: 'rect', tooltip: true },
          encoding: { x, y, color,
            tooltip: [{ field: 'cell' }, { field: 'generation' }, { field: 'mean', format: '.4g' }, { field: 'se', title: 's.e.', format: '.3g' }] } },
        { mark: { type: 'text', baseline: 'middle' },
          encoding: { x, y, text: { field: 'label' }, color: textColor } },
      ] };
  }

  // `ouro plot`: only the chosen metrics' charts, each exported by Vega (SVG text or a PNG data
  // URL) into the DOM, which headless Chromium hands back.
  if (data.plot) {
    const out = add(main, 'div', { id: 'plot-output' });
    const figures = [];
    data.plot.metrics.forEach((name) => {
      const metric = data.metrics.find((m) => m.name === name);
      const spec = metricSpec(metric, 640);
      // A figure stands alone, without the page's note: its subtitle says what each line is.
      spec.title.subtitle = [spec.title.subtitle, lineKey(metric)].filter((t) => t);
      figures.push({ name, spec });
      // A sweep's heatmaps of this metric (one per value of the leading keys: "name (key=value)").
      ((data.sweep && data.sweep.heatmaps) || []).filter((h) => h.metric === name || h.metric.startsWith(name + ' ('))
        .forEach((h) => {
          const spec = heatmapSpec(h, true);
          spec.title = { text: h.metric, anchor: 'start', subtitle: [
            (data.sweep.phase ? 'phase.csv\'s limit_mean ± limit_se' : 'mean ± s.e. at the last generation') + ' per cell',
            h.within_noise ? 'no cell differs beyond noise: drawn in one colour' : ''].filter((t) => t) };
          figures.push({ name: (h.metric.replace(' (', '-heatmap-').replace(/\)$/, '') +
            (h.metric === name ? '-heatmap' : '')).replace(/[^A-Za-z0-9._=+-]/g, '_'), spec });
        });
    });
    figures.forEach(({ name, spec }) => {
      spec.$schema = 'https://vega.github.io/schema/vega-lite/v5.json';
      spec.config = { background: 'white' };
      const div = add(main, 'div', { class: 'plot-chart' });
      pending.push(vegaEmbed(div, spec, { renderer: 'svg', actions: false }).then((result) => {
        const image = data.plot.format === 'png' ? result.view.toImageURL('png', 2) : result.view.toSVG();
        return image.then((text) => {
          let encoded = text.slice(text.indexOf(',') + 1);
          if (data.plot.format !== 'png') {
            // UTF-8 bytes to base64 in chunks (a spread of the whole SVG could pass the argument limit).
            const bytes = new TextEncoder().encode(text);
            let binary = '';
            for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
            encoded = btoa(binary);
          }
          add(out, 'pre', { class: 'plot-image', 'data-metric': name }, encoded);
        });
      }));
    });
    Promise.all(pending).then(() => { document.body.dataset.render = 'done'; })
      .catch((error) => { document.body.dataset.render = 'failed'; add(main, 'p', { class: 'error' }, String(error)); });
    return;
  }

  // Metrics: band, mean line, dashed theory.
  add(main, 'h2', {}, 'Metrics');
  add(main, 'p', { class: 'note' },
    'Solid line: mean over replicates; band: ' + data.band_label + (multi ? '' : '; dotted line: median') +
    '; dashed line: closed-form theory (where the run has one); dash-dot line: the real-versus-real floor ' +
    '(where recorded: the metric between two real sets of the run\'s sample sizes). The tooltip gives mean, s.e. and median. ' +
    'Menu (…) of each chart: export SVG or PNG; `ouro plot` writes the same charts as SVG, PNG or PDF.');
  data.metrics.forEach((metric) => {
    add(main, 'h3', {}, metric.name + (metric.log ? ' (log scale)' : ''));
    if (metric.constant !== undefined) {
      add(main, 'p', { class: 'note metric-constant', 'data-metric': metric.name },
        'Constant: the mean is ' + metric.constant + ' at every generation' + (multi ? ' of every run' : '') + '.');
    }
    const div = add(main, 'div', { class: 'chart metric-chart', 'data-metric': metric.name });
    embed(div, metricSpec(metric, 'container'));
    metric.theory_gaps.forEach((g) => {
      const p = add(main, 'p', { class: 'theory-gap', 'data-metric': metric.name },
        'Theory gap' + (multi ? ' (' + runNames[g.run] + ')' : '') + ': at generation ' + g.generation + ' the mean ' +
        fmt(g.mean) + ' (median ' + fmt(g.median) + ') is ' + (g.standard_errors === null ? 'infinitely many (every replicate equal)' : fmt(g.standard_errors)) + ' standard errors from the closed form ' + fmt(g.expected) + '. ' +
        (g.heavy_tailed
          ? 'The values are heavy-tailed (the farthest 5% of the ' + g.replicates + ' replicates carry ' +
            Math.round(100 * g.tail_share) + '% of the spread): the mean rests on a few replicates, and the standard ' +
            'error understates its error. '
          : 'The spread does not look heavy-tailed (the farthest 5% of the ' + g.replicates + ' replicates carry ' +
            Math.round(100 * g.tail_share) + '% of it), so sampling error alone hardly explains the gap. ') + 'See ');
      add(p, 'a', { href: data.heavy_tail_docs }, data.heavy_tail_docs);
      p.appendChild(document.createTextNode('.'));
    });
  });

  // Sweep over two or more keys: per metric (and values of the leading keys), a heatmap of the mean
  // at each cell's last generation (a phase diagram: phase.csv's limit) over the last two keys.
  if (data.sweep && data.sweep.heatmaps.length > 0) {
    add(main, 'h2', {}, data.sweep.phase ? 'Heatmaps of the limit (phase.csv)' : 'Heatmaps at the last generation');
    add(main, 'p', { class: 'note' }, 'Each cell: ' + (data.sweep.phase ? 'phase.csv\'s limit_mean ± limit_se'
      : 'the mean over replicates ± its standard error at the cell\'s last generation') + ', over the last two swept keys. ' +
      'Where the highest and lowest cells differ by less than 2 standard errors of their difference, every cell is drawn ' +
      'in one colour: the differences are noise.');
    data.sweep.heatmaps.forEach((h) => {
      add(main, 'h3', {}, h.metric);
      if (h.within_noise) {
        add(main, 'p', { class: 'note heatmap-noise', 'data-metric': h.metric },
          'No cell differs beyond noise: the highest and lowest differ by ' + fmt(h.spread) + ', within 2 × ' + fmt(h.noise) +
          ' (the standard error of their difference); the cells are drawn alike.');
      }
      const div = add(main, 'div', { class: 'chart heatmap-chart', 'data-metric': h.metric });
      embed(div, heatmapSpec(h));
    });
  }
  if (data.sweep && data.sweep.phase) {
    add(main, 'h2', {}, 'Phase diagram (phase.csv)');
    table(main, ['real', 'synthetic', 'bias', 'metric', 'limit_mean', 'limit_se', 'theory_limit', 'effective_real_samples'],
      data.sweep.phase).classList.add('phase-table');
  }

  // Composition: one stacked-area chart per run.
  if (data.composition.some((c) => c.rows.length > 0)) {
    add(main, 'h2', {}, 'Training-set composition');
    add(main, 'p', { class: 'note' }, 'Rows of each generation\'s training set by provenance (mean over replicates).');
    data.composition.forEach((c) => {
      if (c.rows.length === 0) return;
      if (multi) add(main, 'h3', {}, runNames[c.run]);
      const div = add(main, 'div', { class: 'chart composition-chart', 'data-run': runNames[c.run] });
      const values = c.rows.map((r) => ({ generation: r[0], layer: data.layers[r[1]], order: r[1], rows: r[2] }));
      embed(div, { height: 200, data: { values },
        mark: { type: 'area', tooltip: true },
        encoding: { x: { field: 'generation', type: 'quantitative', axis: { tickMinStep: 1, format: 'd' } },
          y: { field: 'rows', type: 'quantitative', stack: 'zero', title: 'training rows' },
          color: { field: 'layer', type: 'nominal', scale: { domain: data.layers }, title: 'provenance' },
          order: { field: 'order' } } });
    });
  }

  // Text runs: the histogram of per-sample perplexity under the generation-0 model, one chart per
  // run, the first, middle and last generation overlaid (as Shumailov et al. 2024, figure 1).
  if (data.histograms.length > 0) {
    add(main, 'h2', {}, 'Perplexity of generated text under the generation-0 model');
    add(main, 'p', { class: 'note' },
      'Share of each generation\'s samples by their perplexity under the replicate\'s generation-0 model ' +
      '(log bins, 20 per decade, summed over replicates) for the first, middle and last generation; ' +
      'compare Shumailov et al. 2024, figure 1. Menu (…): export SVG or PNG.');
    data.histograms.forEach((h) => {
      if (multi) add(main, 'h3', {}, runNames[h.run]);
      const div = add(main, 'div', { class: 'chart histogram-chart', 'data-run': runNames[h.run] });
      const values = h.rows.map((r) => ({ generation: r[0], low: r[1], high: r[2], share: r[3], count: r[4] }));
      embed(div, { height: 240, data: { values },
        mark: { type: 'rect', opacity: 0.45, tooltip: true },
        encoding: {
          x: { field: 'low', type: 'quantitative', scale: { type: 'log' }, title: 'perplexity under the generation-0 model (log scale)' },
          x2: { field: 'high' },
          y: { field: 'share', type: 'quantitative', stack: null, title: 'share of the generation\'s samples' },
          // Blue, orange, green: distinguishable where the translucent bars overlap (orange and red are not).
          color: { field: 'generation', type: 'nominal', title: 'generation',
            scale: { domain: h.generations, range: ['#4c78a8', '#f58518', '#54a24b'] } },
          tooltip: [{ field: 'generation' }, { field: 'low', title: 'from', format: '.4g' },
            { field: 'high', title: 'to', format: '.4g' }, { field: 'count', title: 'samples' },
            { field: 'share', format: '.3f' }] } });
      if (h.infinite.length > 0) {
        add(main, 'p', { class: 'note' }, 'Not drawn, infinite perplexity (a token the generation-0 model gives ' +
          'probability 0): ' + h.infinite.map((i) => i[1] + ' samples of generation ' + i[0]).join(', ') + '.');
      }
    });
  }

  // Image runs: each shown replicate's sample grids in a strip, generation 0 on the left, so that
  // collapse can be seen beside the curves above. The same seeds fill every generation's grid.
  if (data.grids && data.grids.length > 0) {
    add(main, 'h2', {}, 'Sample grids');
    add(main, 'p', { class: 'note' },
      'The first synthetic samples of each generation (metrics.image_samples), one strip per replicate, ' +
      'generation 0 on the left; sample i sits in the same cell in every generation. Pixels are the samples\' ' +
      'own 8-bit levels; the files are samples/gen-G-rep-R.png in the run folder.');
    data.grids.forEach((entry) => {
      const replicates = [...new Set(entry.cells.map((c) => c[0]))];
      replicates.forEach((replicate) => {
        const cells = entry.cells.filter((c) => c[0] === replicate);
        const shown = cells.length < entry.generations_in_run
          ? ' (' + cells.length + ' of ' + entry.generations_in_run + ' generations: the first, the last and evenly spaced ones)' : '';
        add(main, 'h3', {}, (data.runs.length > 1 ? data.runs[entry.run].name + ', ' : '') + 'replicate ' + replicate + shown);
        const strip = add(main, 'div', { class: 'grid-strip', 'data-run': String(entry.run), 'data-replicate': String(replicate) });
        cells.forEach((c) => {
          const figure = add(strip, 'figure', { class: 'grid-cell', 'data-generation': String(c[1]) });
          add(figure, 'img', { src: c[2], alt: 'samples of generation ' + c[1] + ', replicate ' + replicate });
          add(figure, 'figcaption', {}, 'generation ' + c[1]);
        });
      });
      if (entry.replicates_in_run > replicates.length) {
        add(main, 'p', { class: 'note' }, 'Embedded: ' + replicates.length + ' of the ' + entry.replicates_in_run +
          ' replicates with grids.');
      }
    });
  }

  // Text runs: generated texts with generations side by side. Texts are untrusted, so they only
  // ever enter the page through textContent.
  if (data.texts.length > 0) textSection(data.texts);

  function labelledSelect(parent, label, name) {
    const wrap = add(parent, 'label', { class: 'text-control' }, label + ' ');
    return add(wrap, 'select', { name });
  }
  function fillSelect(select, options) {
    select.replaceChildren();
    options.forEach(([value, label]) => add(select, 'option', { value: String(value) }, label));
  }
  // What the embedded selection leaves out of the run's samples.jsonl, in words.
  function textLimits(entry, sampleCount) {
    const parts = [];
    if (entry.replicates.length < entry.replicates_in_file) {
      parts.push(entry.replicates.length + ' of ' + entry.replicates_in_file + ' replicates');
    }
    if (sampleCount < entry.samples_in_file) parts.push('the first ' + sampleCount + ' of ' + entry.samples_in_file + ' samples');
    if (entry.generations.length < entry.generations_in_run) {
      parts.push(entry.generations.length + ' of ' + entry.generations_in_run + ' generations (the first, the last and evenly spaced ones)');
    }
    let text = parts.length === 0 ? 'Every text the run saved is shown.' : 'Embedded in this page: ' + parts.join(', ') + '.';
    if (entry.truncated > 0) {
      text += ' ' + entry.truncated + (entry.truncated === 1 ? ' text is' : ' texts are') + ' cut at ' +
        entry.characters + ' characters (marked “[cut]”).';
    }
    return text;
  }
  function textSection(entries) {
    add(main, 'h2', {}, 'Generated text');
    add(main, 'p', { class: 'note' },
      'Synthetic samples of one replicate, one column per generation (left: generation 0), so the drift reads ' +
      'across a row. A line break is a sentence end (</s>).');
    const section = add(main, 'section', { id: 'generated-text' });
    const controls = add(section, 'div', { class: 'text-controls' });
    const runSelect = entries.length > 1 ? labelledSelect(controls, 'run', 'text-run') : null;
    const replicateSelect = labelledSelect(controls, 'replicate', 'text-replicate');
    const sampleSelect = labelledSelect(controls, 'sample', 'text-sample');
    const limits = add(section, 'p', { class: 'note text-limits' });
    const grid = add(section, 'div', { class: 'text-grid' });
    let entry = entries[0];

    function render() {
      grid.replaceChildren();
      const replicate = Number(replicateSelect.value);
      const sample = sampleSelect.value === 'all' ? null : Number(sampleSelect.value);
      const last = entry.generations_in_run - 1;
      entry.generations.forEach((g) => {
        const column = add(grid, 'div', { class: 'text-column', 'data-generation': String(g) });
        add(column, 'h4', {}, 'generation ' + g + (g === last && g > 0 ? ' (last)' : ''));
        const cells = entry.cells.filter((c) => c[0] === replicate && c[1] === g && (sample === null || c[2] === sample));
        if (cells.length === 0) add(column, 'p', { class: 'note' }, 'no saved text');
        cells.forEach((c) => {
          const cell = add(column, 'div', { class: 'text-cell', 'data-sample': String(c[2]) });
          if (sample === null) add(cell, 'div', { class: 'text-label' }, 'sample ' + c[2]);
          const body = add(cell, 'div', { class: 'text-body' }, c[3]);
          if (c[4]) add(body, 'span', { class: 'text-cut' }, ' … [cut]');
        });
      });
    }
    function selectRun(index) {
      entry = entries[index];
      fillSelect(replicateSelect, entry.replicates.map((r) => [r, String(r)]));
      const samples = [...new Set(entry.cells.map((c) => c[2]))].sort((a, b) => a - b);
      fillSelect(sampleSelect, [['all', 'all']].concat(samples.map((i) => [i, String(i)])));
      limits.textContent = textLimits(entry, samples.length);
      render();
    }
    if (runSelect) {
      fillSelect(runSelect, entries.map((e, i) => [i, runNames[e.run]]));
      runSelect.addEventListener('change', () => selectRun(Number(runSelect.value)));
    }
    replicateSelect.addEventListener('change', render);
    sampleSelect.addEventListener('change', render);
    selectRun(0);
  }

  // Runs: settings, timings, config.
  add(main, 'h2', {}, multi ? 'Runs' : 'Run');
  table(main, ['run', 'folder', 'replicates', 'generations', 'seed', 'threads', 'version', 'config file'],
    data.runs.map((r) => [r.name, r.dir, r.replicates, r.generations, r.seed, r.threads, r.version, r.config_file]));
  if (multi) {
    add(main, 'h3', {}, 'Config keys that differ');
    if (data.config_differences.length === 0) add(main, 'p', { class: 'note' }, 'None: the runs share one config.');
    else table(main, ['key'].concat(runNames), data.config_differences.map((d) => [d.key].concat(d.values)));
  }
  add(main, 'h3', {}, 'Timings (seconds)');
  const timingKeys = [];
  data.runs.forEach((r) => Object.keys(r.timings).forEach((k) => { if (!timingKeys.includes(k)) timingKeys.push(k); }));
  table(main, ['timing'].concat(runNames), timingKeys.map((k) => [k].concat(data.runs.map((r) => r.timings[k] ?? null))));
  data.runs.forEach((r) => {
    const details = add(main, 'details');
    add(details, 'summary', {}, 'Resolved config' + (multi ? ': ' + r.name : ''));
    add(details, 'pre', {}, JSON.stringify(r.config, null, 2));
  });

  Promise.all(pending).then(() => {
    document.body.dataset.charts = String(pending.length);
    document.body.dataset.render = 'done';
  }).catch((error) => {
    document.body.dataset.render = 'failed';
    add(main, 'p', { class: 'error' }, 'A chart failed to render: ' + error);
    console.error(error);
  });
})();
