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

  // Metrics: band, mean line, dashed theory.
  add(main, 'h2', {}, 'Metrics');
  add(main, 'p', { class: 'note' },
    'Solid line: mean over replicates; band: ' + data.band_label +
    '; dashed line: closed-form theory (where the run has one). Menu (…) of each chart: export SVG or PNG.');
  data.metrics.forEach((metric) => {
    add(main, 'h3', {}, metric.name + (metric.log ? ' (log scale)' : ''));
    const div = add(main, 'div', { class: 'chart metric-chart', 'data-metric': metric.name });
    const rows = metric.rows.map((r) => ({ run: runNames[r[0]], generation: r[1], mean: r[2], low: r[3], high: r[4], n: r[5] }));
    const theory = metric.theory.map((r) => ({ run: runNames[r[0]], generation: r[1], theory: r[2] }));
    const yScale = metric.log ? { type: 'log' } : { zero: false };
    const x = { field: 'generation', type: 'quantitative', title: 'generation' };
    const color = { field: 'run', type: 'nominal', scale: colorScale, legend: multi ? { title: 'run' } : null };
    const layer = [
      { data: { values: rows.filter((r) => r.low !== null && r.high !== null) },
        mark: { type: 'area', opacity: 0.22 },
        encoding: { x, y: { field: 'low', type: 'quantitative', scale: yScale, title: metric.name }, y2: { field: 'high' }, color } },
      { data: { values: rows.filter((r) => r.mean !== null) },
        mark: { type: 'line', strokeWidth: 1.8, tooltip: true },
        encoding: { x, y: { field: 'mean', type: 'quantitative', scale: yScale, title: metric.name }, color,
          tooltip: [{ field: 'run' }, { field: 'generation' }, { field: 'mean', format: '.4g' },
            { field: 'low', format: '.4g' }, { field: 'high', format: '.4g' }, { field: 'n', title: 'replicates' }] } },
    ];
    if (theory.length > 0) {
      layer.push({ data: { values: theory },
        mark: { type: 'line', strokeDash: [6, 4], strokeWidth: 1.5, opacity: 0.9 },
        encoding: { x, y: { field: 'theory', type: 'quantitative', scale: yScale, title: metric.name },
          detail: { field: 'run' }, color: multi ? color : { value: 'black' } } });
    }
    embed(div, { height: 240, layer, resolve: { scale: { y: 'shared' } } });
  });

  // Sweep over two or more keys: per metric (and values of the leading keys), a heatmap of the mean
  // at each cell's last generation over the last two keys.
  if (data.sweep && data.sweep.heatmaps.length > 0) {
    add(main, 'h2', {}, 'Heatmaps at the last generation');
    add(main, 'p', { class: 'note' }, 'Each cell: the mean over replicates at the cell\'s last generation, over the last two swept keys.');
    const order = (key) => (data.sweep.keys.find((k) => k.key === key) || { labels: [] }).labels;
    data.sweep.heatmaps.forEach((h) => {
      add(main, 'h3', {}, h.metric);
      const div = add(main, 'div', { class: 'chart heatmap-chart', 'data-metric': h.metric });
      const values = h.rows.map((r) => ({ x: r[0], y: r[1], mean: r[2], generation: r[3], cell: r[4] }));
      const x = { field: 'x', type: 'ordinal', sort: order(h.x), title: h.x };
      const y = { field: 'y', type: 'ordinal', sort: order(h.y), title: h.y };
      embed(div, { height: Math.max(120, 40 * order(h.y).length), data: { values },
        layer: [
          { mark: { type: 'rect', tooltip: true },
            encoding: { x, y, color: { field: 'mean', type: 'quantitative', title: h.metric },
              tooltip: [{ field: 'cell' }, { field: 'generation' }, { field: 'mean', format: '.4g' }] } },
          { mark: { type: 'text', baseline: 'middle' },
            encoding: { x, y, text: { field: 'mean', type: 'quantitative', format: '.3g' } } },
        ] });
    });
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
        encoding: { x: { field: 'generation', type: 'quantitative' },
          y: { field: 'rows', type: 'quantitative', stack: 'zero', title: 'training rows' },
          color: { field: 'layer', type: 'nominal', scale: { domain: data.layers }, title: 'provenance' },
          order: { field: 'order' } } });
    });
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
