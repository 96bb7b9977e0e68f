'use strict';
// Disclosure control against bounded inference, end to end: a table whose small cells are all 0 % (two small race
// groups with 0 of n students, inside a race partition that adds up to All Students) is submitted through the API
// and read back as a NETWORK_VIEWER through GetIndicator and GetReportCard. An exact reader then enumerates every
// integer table within [0, d] consistent with everything returned (shown counts, coded ranges, the relations
// All = Female + Male, All Students = the nine race groups, All Students = Low income + the rest, the same for English
// learners) and knowing every true denominator (worst case). No hidden cell may be pinned to 0 %, to any single
// value, or to a range narrower than the protection interval (10 points) when it failed the primary rule.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSilo } = require('../lib/silo');
const { connect, call } = require('../lib/client');
const { profile } = require('../lib/fixtures');

const ID = 'e2e-disclosure-dayton';
const INDICATOR = 'grade3-reading-small';
const YEAR = 2024;
const PROTECTION_POINTS = 10;
const GENDERS = ['GENDER_FEMALE', 'GENDER_MALE'];
const RACES = [
  'POPULATION_AMERICAN_INDIAN_ALASKA_NATIVE', 'POPULATION_ASIAN', 'POPULATION_BLACK', 'POPULATION_HISPANIC',
  'POPULATION_MIDDLE_EASTERN_NORTH_AFRICAN', 'POPULATION_NATIVE_HAWAIIAN_PACIFIC_ISLANDER', 'POPULATION_WHITE',
  'POPULATION_MULTIRACIAL', 'POPULATION_OTHER_RACE',
];
const SUBSETS = ['POPULATION_LOW_INCOME', 'POPULATION_ENGLISH_LEARNER'];
const ALL = 'POPULATION_ALL_STUDENTS';

// Female and male cells [numerator, denominator]. NHPI and MENA are small and all 0 %: 0 of 4 and 0 of 3.
const TABLE = {
  GENDER_FEMALE: {
    POPULATION_AMERICAN_INDIAN_ALASKA_NATIVE: [9, 22], POPULATION_ASIAN: [31, 48], POPULATION_BLACK: [60, 170],
    POPULATION_HISPANIC: [70, 190], POPULATION_MIDDLE_EASTERN_NORTH_AFRICAN: [0, 3],
    POPULATION_NATIVE_HAWAIIAN_PACIFIC_ISLANDER: [0, 4], POPULATION_WHITE: [160, 300], POPULATION_MULTIRACIAL: [20, 45],
    POPULATION_OTHER_RACE: [7, 16], POPULATION_LOW_INCOME: [150, 420], POPULATION_ENGLISH_LEARNER: [25, 90],
  },
  GENDER_MALE: {
    POPULATION_AMERICAN_INDIAN_ALASKA_NATIVE: [8, 25], POPULATION_ASIAN: [28, 50], POPULATION_BLACK: [52, 175],
    POPULATION_HISPANIC: [66, 200], POPULATION_MIDDLE_EASTERN_NORTH_AFRICAN: [0, 4],
    POPULATION_NATIVE_HAWAIIAN_PACIFIC_ISLANDER: [0, 3], POPULATION_WHITE: [150, 310], POPULATION_MULTIRACIAL: [18, 40],
    POPULATION_OTHER_RACE: [6, 18], POPULATION_LOW_INCOME: [140, 430], POPULATION_ENGLISH_LEARNER: [22, 95],
  },
};
const SMALL_ZERO = ['POPULATION_MIDDLE_EASTERN_NORTH_AFRICAN', 'POPULATION_NATIVE_HAWAIIAN_PACIFIC_ISLANDER'];

/** Every one of the 36 cells with its true counts (totals are sums, so the table adds up exactly). */
function fullTable() {
  const cells = {};
  const put = (g, p, n, d) => { cells[`${g}|${p}`] = [n, d]; };
  const sum = (pairs) => pairs.reduce(([n, d], [a, b]) => [n + a, d + b], [0, 0]);
  for (const g of GENDERS) {
    for (const p of [...RACES, ...SUBSETS]) put(g, p, ...TABLE[g][p]);
    put(g, ALL, ...sum(RACES.map((p) => TABLE[g][p])));
  }
  for (const p of [ALL, ...RACES, ...SUBSETS]) put('GENDER_ALL', p, ...sum(GENDERS.map((g) => cells[`${g}|${p}`])));
  return cells;
}

let silo;
let api;
let admin;
let viewer;

before(async () => {
  silo = await startSilo();
  api = connect(silo.address);
  admin = silo.adminToken;
  viewer = (await call(api.AdminService, 'issueToken', { role: 'ROLE_NETWORK_VIEWER', description: 'disclosure reader' }, admin)).secret;
});

after(async () => {
  api?.close();
  if (silo) await silo.stop();
});

/** What a reader learns of one cell: exact counts, a coded range, or nothing. */
function knowledge(rate) {
  if (rate?.value !== 'shown') return { hidden: true };
  const shown = rate.shown;
  if (shown.coding === 'RATE_CODING_EXACT') return { exact: [Number(shown.counts.numerator), Number(shown.counts.denominator)] };
  return { coded: shown.coding, threshold: shown.value };
}

/** True when numerator n of denominator d agrees with what the reader saw of the cell. */
function agrees(k, n, d) {
  if (k.exact) return k.exact[0] === n && k.exact[1] === d;
  if (k.coded === 'RATE_CODING_TOP_CODED') return 100 * n / d > k.threshold;
  if (k.coded === 'RATE_CODING_BOTTOM_CODED') return 100 * n / d < k.threshold;
  return true;
}

/**
 * Exact feasible ranges of every hidden numerator. Free variables: the female and male cells of the nine races and
 * the two subsets; every other cell is a sum of them. Enumerates per gender (race cells, then subsets against the
 * gender total), then combines genders for the All row.
 */
function feasibleRanges(view, truth) {
  const d = (g, p) => truth[`${g}|${p}`][1];
  const rowsOf = (g) => {
    let partial = [{}];
    for (const p of RACES) {
      const k = view[`${g}|${p}`];
      const values = k.exact ? [k.exact[0]] : [...Array(d(g, p) + 1).keys()].filter((n) => agrees(k, n, d(g, p)));
      partial = partial.flatMap((row) => values.map((n) => ({ ...row, [p]: n })));
    }
    const rows = [];
    for (const row of partial) {
      const total = RACES.reduce((s, p) => s + row[p], 0);
      if (!agrees(view[`${g}|${ALL}`], total, d(g, ALL))) continue;
      // Subsets: 0 <= n <= d, n <= total, and the complement (total - n) within [0, d(total) - d(subset)].
      let expanded = [{ ...row, [ALL]: total }];
      for (const s of SUBSETS) {
        const k = view[`${g}|${s}`];
        const values = [...Array(d(g, s) + 1).keys()].filter((n) => agrees(k, n, d(g, s))
          && n <= total && total - n <= d(g, ALL) - d(g, s));
        expanded = expanded.flatMap((r) => values.map((n) => ({ ...r, [s]: n })));
      }
      rows.push(...expanded);
    }
    return rows;
  };
  const female = rowsOf('GENDER_FEMALE');
  const male = rowsOf('GENDER_MALE');
  const ranges = {};
  const note = (key, n) => {
    const r = ranges[key] ?? (ranges[key] = { min: Infinity, max: -Infinity });
    r.min = Math.min(r.min, n);
    r.max = Math.max(r.max, n);
  };
  let tables = 0;
  for (const f of female) {
    for (const m of male) {
      const all = Object.fromEntries([ALL, ...RACES, ...SUBSETS].map((p) => [p, f[p] + m[p]]));
      if (![ALL, ...RACES, ...SUBSETS].every((p) => agrees(view[`GENDER_ALL|${p}`], all[p], d('GENDER_ALL', p)))) continue;
      // The complements' gender split (all - subset) holds by construction of the sums.
      tables += 1;
      for (const [g, row] of [['GENDER_FEMALE', f], ['GENDER_MALE', m], ['GENDER_ALL', all]]) {
        for (const [p, n] of Object.entries(row)) note(`${g}|${p}`, n);
      }
    }
  }
  return { ranges, tables, enumerated: female.length * male.length };
}

test('disclosure: a table whose hidden cells are all 0 % cannot be recovered from anything returned', async (t) => {
  await call(api.PartnershipService, 'registerPartnership', { partnershipId: ID, profile: profile('Disclosure Dayton', 'OH') }, admin);
  await call(api.IndicatorService, 'defineIndicator', {
    partnershipId: ID,
    indicatorId: INDICATOR,
    definition: {
      displayName: 'Third grade reading (small groups)', description: 'Third graders reading at grade level',
      outcome: 'OUTCOME_EARLY_GRADE_READING', kind: 'INDICATOR_KIND_CORE', polarity: 'POLARITY_HIGHER_IS_BETTER',
      unit: 'UNIT_PERCENT', baselineYear: YEAR, targets: [{ year: 2028, value: 60 }], definitionVersion: 1,
      taxonomyVersion: 'CIA-2024', source: 'State assessment file',
      gaps: [{ gapId: 'nhpi-vs-all', focal: { gender: 'GENDER_ALL', population: 'POPULATION_NATIVE_HAWAIIAN_PACIFIC_ISLANDER' }, referenceRule: 'GAP_REFERENCE_RULE_ALL_STUDENTS' }],
    },
  }, admin);
  const truth = fullTable();
  const observations = Object.entries(truth).map(([key, [n, d]]) => {
    const [gender, population] = key.split('|');
    return { year: YEAR, gender, population, counts: { numerator: n, denominator: d } };
  });
  const submitted = await call(api.IndicatorService, 'submitObservations', { partnershipId: ID, indicatorId: INDICATOR, definitionVersion: 1, observations }, admin);
  assert.equal(submitted.acceptedCount, 36);

  const indicator = await call(api.IndicatorService, 'getIndicator', { partnershipId: ID, indicatorId: INDICATOR }, viewer);
  const year = indicator.series.find((y) => y.year === YEAR);
  assert.equal(year.cells.length, 36);
  const view = Object.fromEntries(year.cells.map((c) => [`${c.group.gender}|${c.group.population}`, knowledge(c.rate)]));

  // The report card publishes the same cells (nothing more), and the gap on a hidden group is not a number.
  const card = await call(api.PartnershipService, 'getReportCard', { partnershipId: ID, year: YEAR }, viewer);
  const entry = card.outcomes.flatMap((o) => o.indicators).find((i) => i.indicatorId === INDICATOR);
  assert.ok(entry, 'the indicator is on the report card');
  for (const c of entry.disaggregated) {
    assert.deepEqual(knowledge(c.rate), view[`${c.group.gender}|${c.group.population}`], `${c.group.gender} ${c.group.population}`);
  }
  for (const gap of [...indicator.gaps, ...entry.gaps]) {
    assert.notEqual(gap.latestGap?.value, 'shown', `gap ${gap.definition.gapId} on a hidden group must not be a number`);
  }

  // The small 0 % cells are hidden, and so is enough else that subtraction cannot reveal them.
  for (const g of ['GENDER_FEMALE', 'GENDER_MALE', 'GENDER_ALL']) {
    for (const p of SMALL_ZERO) assert.ok(view[`${g}|${p}`].hidden, `${g} ${p} is hidden`);
  }
  const hidden = Object.keys(view).filter((k) => view[k].hidden);
  assert.ok(hidden.length > 6, `complementary cells are hidden too (${hidden.join(', ')})`);

  const { ranges, tables, enumerated } = feasibleRanges(view, truth);
  t.diagnostic(`hidden: ${hidden.map((k) => `${k.replace('GENDER_', '').replace('POPULATION_', '')} ${ranges[k].min}..${ranges[k].max}/${truth[k][1]}`).join('; ')}; `
    + `${tables} consistent tables of ${enumerated} enumerated`);
  assert.ok(tables >= 2, `more than one table is consistent with the release (${tables} of ${enumerated})`);
  // The true table is among them.
  for (const [key, [n]] of Object.entries(truth)) {
    assert.ok(ranges[key].min <= n && n <= ranges[key].max, `${key}: the truth ${n} is feasible`);
  }
  for (const key of hidden) {
    const [n, d] = truth[key];
    const { min, max } = ranges[key];
    assert.ok(max > min, `${key} (true ${n} of ${d}) is pinned to ${min}`);
    assert.ok(max > 0, `${key} is pinned to 0 %`);
    const primary = d < indicator.minimumN;
    if (primary) {
      assert.ok((max - min) / d >= PROTECTION_POINTS / 100, `${key}: ${min}..${max} of ${d} is narrower than ${PROTECTION_POINTS} points`);
      assert.ok(min < d, `${key} is pinned to 100 %`);
    }
  }
  // In particular no combination of the returned values says "every NHPI / MENA student failed".
  for (const p of SMALL_ZERO) assert.ok(ranges[`GENDER_ALL|${p}`].max > 0, `${p}: all-zero is not recoverable`);
});
