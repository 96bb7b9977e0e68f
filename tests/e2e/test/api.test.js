'use strict';
// End-to-end through gRPC with @grpc/grpc-js against a real silo process (SQLite in a temporary directory):
// register, assess, submit, read progress, report card and designations, cohorts, a live watcher, rollup vs
// recomputation, access control and bad inputs. The cases run in order and build on each other.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSilo } = require('../lib/silo');
const { connect, call, callError, upload, eventually, today, Status } = require('../lib/client');
const { series, coreIndicator, profile, assessments, SIX_GATEWAY } = require('../lib/fixtures');

let silo;
let api;
let admin;

const P1 = 'e2e-learn-together-toledo';
const P2 = 'e2e-bright-futures-fresno';
const P3 = 'e2e-cradle-to-career-akron';
const OUTCOMES = ['OUTCOME_EARLY_GRADE_READING', 'OUTCOME_MIDDLE_GRADE_MATH', 'OUTCOME_HIGH_SCHOOL_GRADUATION', 'OUTCOME_POSTSECONDARY_ENROLLMENT'];
const INDICATORS = ['grade3-reading', 'grade8-math', 'hs-graduation', 'college-enrollment'];

before(async () => {
  silo = await startSilo();
  api = connect(silo.address);
  admin = silo.adminToken;
});

after(async () => {
  api?.close();
  if (silo) {
    const { code, signal } = await silo.stop();
    // SIGTERM must shut the silo down gracefully, not by the kill fallback.
    assert.ok(code === 0 || signal === 'SIGTERM', `silo exit after SIGTERM: code ${code}, signal ${signal}`);
  }
});

const rollupOf = async () => (await call(api.NetworkService, 'getNetworkRollup', {}, admin)).rollup;
const countIn = (counts, key, value) => counts.find((c) => c[key] === value)?.partnershipCount ?? 0;

test('register: partnerships start in Exploring; a second registration is ALREADY_EXISTS', async () => {
  for (const [id, name, state] of [[P1, 'Learn Together Toledo', 'OH'], [P2, 'Bright Futures Fresno', 'CA'], [P3, 'Cradle to Career Akron', 'OH']]) {
    const { partnership } = await call(api.PartnershipService, 'registerPartnership', { partnershipId: id, profile: profile(name, state) }, admin);
    assert.equal(partnership.partnershipId, id);
    assert.equal(partnership.gateway, 'GATEWAY_STAGE_EXPLORING');
    assert.equal(partnership.profile.displayName, name);
    assert.ok(partnership.etag.length > 0, 'etag is set');
  }
  const err = await callError(api.PartnershipService, 'registerPartnership', { partnershipId: P1, profile: profile('Other', 'OH') }, admin);
  assert.equal(err.code, Status.ALREADY_EXISTS, err.details);
  const { partnership } = await call(api.PartnershipService, 'getPartnership', { partnershipId: P1 }, admin);
  assert.equal(partnership.profile.displayName, 'Learn Together Toledo', 'the failed registration changed nothing');
});

test('bad input: unknown benchmark id is INVALID_ARGUMENT naming its field (never echoing it), and nothing is recorded', async () => {
  const date = today();
  const err = await callError(api.PartnershipService, 'recordAssessment', {
    partnershipId: P1,
    assessments: [...assessments(['6G-EXP-SCV-1'], date), ...assessments(['6G-EXP-XXX-9'], date)],
  }, admin);
  assert.equal(err.code, Status.INVALID_ARGUMENT, err.details);
  assert.match(err.details, /^assessments\[1\]\.benchmark_id: /);
  assert.doesNotMatch(err.details, /6G-EXP-XXX-9/);
  const progress = await call(api.PartnershipService, 'getProgress', { partnershipId: P1 }, admin);
  const all = progress.gateways.flatMap((g) => g.pillars.flatMap((p) => p.benchmarks));
  assert.equal(all.find((b) => b.benchmarkId === '6G-EXP-SCV-1').status, 'BENCHMARK_STATUS_NOT_STARTED', 'all or nothing');
});

test('bad input: unknown partnership is NOT_FOUND naming it', async () => {
  for (const [stub, method, request] of [
    [api.PartnershipService, 'getPartnership', { partnershipId: 'e2e-no-such-partnership' }],
    [api.PartnershipService, 'getProgress', { partnershipId: 'e2e-no-such-partnership' }],
    [api.PartnershipService, 'recordAssessment', { partnershipId: 'e2e-no-such-partnership', assessments: assessments(['6G-EXP-SCV-1'], today()) }],
  ]) {
    const err = await callError(stub, method, request, admin);
    assert.equal(err.code, Status.NOT_FOUND, `${method}: ${err.details}`);
    assert.match(err.details, /e2e-no-such-partnership/, method);
  }
});

test('assess: meeting every Exploring benchmark moves the partnership to Emerging', async () => {
  const res = await call(api.PartnershipService, 'recordAssessment', {
    partnershipId: P2, assessments: assessments(SIX_GATEWAY.exploring, today()),
  }, admin);
  assert.equal(res.recordedCount, SIX_GATEWAY.exploring.length);
  const progress = await eventually(async () => {
    const p = await call(api.PartnershipService, 'getProgress', { partnershipId: P2 }, admin);
    return p.gateway === 'GATEWAY_STAGE_EMERGING' && p;
  }, { what: `${P2} in Emerging` });
  assert.equal(progress.nextGateway, 'GATEWAY_STAGE_SUSTAINING');
  assert.ok(progress.missingBenchmarkIds.includes('6G-EMG-SCV-1'), 'Emerging benchmarks are what is missing');
  const exploring = progress.gateways.find((g) => g.gateway === 'GATEWAY_STAGE_EXPLORING');
  assert.equal(exploring.complete, true);
  assert.equal(exploring.metCount, SIX_GATEWAY.exploring.length);
});

test('submit: indicators with six years of 36 cells; trend and gaps are computed', async () => {
  for (let i = 0; i < INDICATORS.length; i += 1) {
    const { result } = await call(api.IndicatorService, 'defineIndicator', {
      partnershipId: P1, indicatorId: INDICATORS[i], definition: coreIndicator(INDICATORS[i], OUTCOMES[i]),
    }, admin);
    assert.equal(result, 'DEFINE_INDICATOR_RESULT_CREATED');
    const observations = series({ rate: 35 + 8 * i, slope: 1.5 });
    const res = await call(api.IndicatorService, 'submitObservations', {
      partnershipId: P1, indicatorId: INDICATORS[i], definitionVersion: 1, observations,
    }, admin);
    assert.equal(res.acceptedCount, observations.length);
    assert.equal(res.replacedCount, 0);
  }
  const res = await call(api.IndicatorService, 'getIndicator', { partnershipId: P1, indicatorId: 'grade3-reading' }, admin);
  assert.deepEqual(res.series.map((y) => y.year), [2019, 2020, 2021, 2022, 2023, 2024]);
  assert.equal(res.series[0].cells.length, 36);
  assert.equal(res.trend.direction, 'TREND_DIRECTION_IMPROVED', res.trend.explanation);
  assert.equal(res.trend.method, 'TREND_METHOD_TWO_PROPORTION_Z_TEST');
  assert.equal(res.trend.difference.value, 'shown');
  const headline = (year) => {
    const c = series({ rate: 35, slope: 1.5 }).find((o) => o.year === year && o.gender === 'GENDER_ALL' && o.population === 'POPULATION_ALL_STUDENTS').counts;
    return (100 * c.numerator) / c.denominator;
  };
  const expected = headline(2024) - headline(2019);
  assert.ok(Math.abs(res.trend.difference.shown - expected) < 0.01, `difference ${res.trend.difference.shown}, submitted counts give ${expected}`);
  const gap = res.gaps.find((g) => g.definition.gapId === 'black-vs-best');
  assert.equal(gap.referenceUsed.population, 'POPULATION_ASIAN', 'Asian students were the best group at baseline');
  assert.equal(gap.change, 'GAP_CHANGE_REDUCED', gap.explanation);
});

test('bad input: numerator above denominator is INVALID_ARGUMENT naming the row, and nothing is stored', async () => {
  const before = await call(api.IndicatorService, 'getIndicator', { partnershipId: P1, indicatorId: 'grade3-reading' }, admin);
  const err = await callError(api.IndicatorService, 'submitObservations', {
    partnershipId: P1, indicatorId: 'grade3-reading', observations: [
      { year: 2025, gender: 'GENDER_ALL', population: 'POPULATION_ALL_STUDENTS', counts: { numerator: 900, denominator: 2500 } },
      { year: 2025, gender: 'GENDER_MALE', population: 'POPULATION_ASIAN', counts: { numerator: 15, denominator: 12 } },
    ],
  }, admin);
  assert.equal(err.code, Status.INVALID_ARGUMENT, err.details);
  assert.match(err.details, /observations\[1\]/);
  assert.match(err.details, /numerator|denominator/);
  const after = await call(api.IndicatorService, 'getIndicator', { partnershipId: P1, indicatorId: 'grade3-reading' }, admin);
  assert.deepEqual(after.series.map((y) => y.year), before.series.map((y) => y.year), 'year 2025 was not stored');
  assert.deepEqual(after.indicator.years, before.indicator.years);
});

test('designations: Proof Point is granted with every criterion explained, and the gateway follows', async () => {
  const date = today();
  const all = [...SIX_GATEWAY.exploring, ...SIX_GATEWAY.emerging, ...SIX_GATEWAY.sustaining, ...SIX_GATEWAY.systemsChange];
  await call(api.PartnershipService, 'recordAssessment', {
    partnershipId: P1,
    assessments: assessments(all, date),
    systemsChangeExamples: [{ exampleId: 'fafsa-policy', description: 'District made FAFSA completion part of graduation planning.', occurrenceDate: date }],
  }, admin);
  const progress = await eventually(async () => {
    const p = await call(api.PartnershipService, 'getProgress', { partnershipId: P1 }, admin);
    return p.designations.some((d) => d.designation === 'DESIGNATION_PROOF_POINT' && d.met) && p;
  }, { what: `${P1} designated Proof Point` });
  const pp = progress.designations.find((d) => d.designation === 'DESIGNATION_PROOF_POINT');
  assert.equal(pp.criteria.length, 3);
  assert.equal(pp.criteria[0].criterionKind, 'CRITERION_KIND_IN_GATEWAY', 'the gateway sequence comes first');
  assert.equal(pp.missingPrerequisite, '');
  for (const c of pp.criteria) {
    assert.equal(c.met, true, `${c.name}: ${c.explanation}`);
    assert.ok(c.actual >= c.required, c.name);
    assert.ok(c.explanation.length > 0);
  }
  const outcomes = pp.criteria.find((c) => c.kind === 'CoreIndicatorOutcomes');
  assert.deepEqual([...outcomes.countedIds].sort(), [...INDICATORS].sort());
  assert.equal(outcomes.criterionKind, 'CRITERION_KIND_CORE_INDICATOR_OUTCOMES');
  const st = progress.designations.find((d) => d.designation === 'DESIGNATION_SYSTEMS_TRANSFORMATION');
  assert.equal(st.met, false, 'no Systems Transformation benchmark is met');
  assert.match(st.missingPrerequisite, /./, 'Systems Transformation names its missing prerequisite');

  // Met is not held: only a recorded re-evaluation awards (NETWORK_ADMIN only).
  assert.equal(progress.gateway, 'GATEWAY_STAGE_SYSTEMS_CHANGE');
  assert.deepEqual(progress.standingDesignations, []);
  const { reevaluation } = await call(api.PartnershipService, 'reevaluateDesignations', { partnershipId: P1 }, admin);
  assert.equal(reevaluation.trigger, 'REEVALUATION_TRIGGER_REQUEST');
  assert.deepEqual(reevaluation.events.map((e) => [e.designation, e.kind]), [['DESIGNATION_PROOF_POINT', 'DESIGNATION_EVENT_KIND_AWARDED']]);
  assert.ok(reevaluation.events[0].evaluation.criteria.every((c) => c.met));
  const held = await call(api.PartnershipService, 'getProgress', { partnershipId: P1 }, admin);
  assert.deepEqual(held.standingDesignations.map((d) => d.designation), ['DESIGNATION_PROOF_POINT']);
  assert.deepEqual(held.standingDesignations[0].awardDate, reevaluation.date);
  assert.equal(held.lastReevaluation.triggeredBy, reevaluation.triggeredBy);
  const { partnership } = await call(api.PartnershipService, 'getPartnership', { partnershipId: P1 }, admin);
  assert.ok(partnership.designations.includes('DESIGNATION_PROOF_POINT'));
  assert.equal(partnership.gateway, 'GATEWAY_STAGE_PROOF_POINT');
});

test('report card: every number passed suppression; small groups are suppressed, never a number', async () => {
  const card = await call(api.PartnershipService, 'getReportCard', { partnershipId: P1, year: 0 }, admin);
  assert.equal(card.year, 2024);
  const minimumN = card.minimumN;
  assert.ok(minimumN >= 1);
  const reading = card.outcomes.flatMap((o) => o.indicators).find((i) => i.indicatorId === 'grade3-reading');
  assert.ok(reading, 'grade3-reading is on the card');
  assert.equal(reading.disaggregated.length, 36);
  for (const cell of reading.disaggregated) {
    const { rate } = cell;
    assert.ok(['shown', 'suppressed', 'notReported'].includes(rate.value), JSON.stringify(cell));
    if (rate.value === 'shown' && rate.shown.counts) {
      assert.ok(rate.shown.counts.denominator >= minimumN, `shown cell below minimum n: ${JSON.stringify(cell)}`);
    }
    if (rate.value === 'suppressed') {
      assert.equal(rate.shown ?? null, null, 'a suppressed cell carries no number');
      assert.equal(rate.suppressed.reason, 'SUPPRESSION_REASON_SMALL_CELL');
    }
  }
  // 5 female and 5 male NHPI students, 7 + 7 MENA students: below the minimum of 10 in each gender.
  for (const population of ['POPULATION_NATIVE_HAWAIIAN_PACIFIC_ISLANDER', 'POPULATION_MIDDLE_EASTERN_NORTH_AFRICAN']) {
    for (const gender of ['GENDER_FEMALE', 'GENDER_MALE']) {
      const cell = reading.disaggregated.find((c) => c.group.population === population && c.group.gender === gender);
      assert.equal(cell.rate.value, 'suppressed', `${gender} ${population}`);
    }
  }
});

/** Exact counts a viewer can see for one indicator year: key gender|population -> {n, d}. */
function shownCounts(cells) {
  const map = new Map();
  for (const c of cells) {
    if (c.rate.value === 'shown' && c.rate.shown.counts) map.set(`${c.group.gender}|${c.group.population}`, c.rate.shown.counts);
  }
  return map;
}

test('suppression: a suppressed cell cannot be recovered from report card + indicator + rollup + cohort comparison', async () => {
  await call(api.CohortService, 'createCohort', { cohortId: 'e2e-recovery-cohort', displayName: 'Recovery attempt', description: 'test', memberIds: [P1, P2] }, admin);
  // The attacker is a network viewer: it may read everything, after suppression.
  const { secret: viewer } = await call(api.AdminService, 'issueToken', { role: 'ROLE_NETWORK_VIEWER', description: 'recovery attempt' }, admin);
  const card = await call(api.PartnershipService, 'getReportCard', { partnershipId: P1, year: 2024 }, viewer);
  const indicator = await call(api.IndicatorService, 'getIndicator', { partnershipId: P1, indicatorId: 'grade3-reading' }, viewer);
  const rollup = (await call(api.NetworkService, 'getNetworkRollup', {}, viewer)).rollup;
  const matrix = await call(api.CohortService, 'compareBenchmarks', { cohortId: 'e2e-recovery-cohort' }, viewer);
  const cohortRollup = await call(api.CohortService, 'getCohortRollup', { cohortId: 'e2e-recovery-cohort' }, viewer);

  const reading = card.outcomes.flatMap((o) => o.indicators).find((i) => i.indicatorId === 'grade3-reading');
  const known = shownCounts(reading.disaggregated);
  // Merge what the indicator's 2024 series shows (it must agree and must not add anything).
  for (const [key, counts] of shownCounts(indicator.series.find((y) => y.year === 2024).cells)) {
    if (known.has(key)) assert.deepEqual(counts, known.get(key), `report card and indicator disagree on ${key}`);
    known.set(key, counts);
  }
  // Rollups and comparisons carry counts of partnerships and statuses only: no student counts to subtract.
  const studentCounts = JSON.stringify([rollup, matrix, cohortRollup]).match(/"(numerator|denominator)"/g);
  assert.equal(studentCounts, null, 'rollup and cohort views carry no student counts');

  const races = ['POPULATION_AMERICAN_INDIAN_ALASKA_NATIVE', 'POPULATION_ASIAN', 'POPULATION_BLACK', 'POPULATION_HISPANIC',
    'POPULATION_MIDDLE_EASTERN_NORTH_AFRICAN', 'POPULATION_NATIVE_HAWAIIAN_PACIFIC_ISLANDER', 'POPULATION_WHITE',
    'POPULATION_MULTIRACIAL', 'POPULATION_OTHER_RACE'];
  const genders = ['GENDER_ALL', 'GENDER_FEMALE', 'GENDER_MALE'];
  const populations = ['POPULATION_ALL_STUDENTS', ...races, 'POPULATION_LOW_INCOME', 'POPULATION_ENGLISH_LEARNER'];
  // Relations total = sum of parts; an attacker solves any relation with exactly one unknown, repeatedly.
  const relations = [];
  for (const p of populations) relations.push({ total: `GENDER_ALL|${p}`, parts: [`GENDER_FEMALE|${p}`, `GENDER_MALE|${p}`] });
  for (const g of genders) relations.push({ total: `${g}|POPULATION_ALL_STUDENTS`, parts: races.map((r) => `${g}|${r}`) });
  const recovered = new Map(known);
  for (let round = 0; round < 10; round += 1) {
    let progress = false;
    for (const { total, parts } of relations) {
      const members = [total, ...parts];
      const unknown = members.filter((m) => !recovered.has(m));
      if (unknown.length !== 1) continue;
      const [missing] = unknown;
      const sum = (field) => parts.filter((m) => m !== missing).reduce((s, m) => s + recovered.get(m)[field], 0);
      const value = missing === total
        ? { numerator: sum('numerator'), denominator: sum('denominator') }
        : { numerator: recovered.get(total).numerator - sum('numerator'), denominator: recovered.get(total).denominator - sum('denominator') };
      recovered.set(missing, value);
      progress = true;
    }
    if (!progress) break;
  }
  const suppressed = reading.disaggregated.filter((c) => c.rate.value === 'suppressed').map((c) => `${c.group.gender}|${c.group.population}`);
  assert.ok(suppressed.length >= 3, 'the NHPI/MENA cells are suppressed');
  for (const key of suppressed) assert.equal(recovered.has(key), false, `suppressed cell ${key} was recovered by subtraction`);
});

test('cohort: benchmark comparison matrix and rollup of the members', async () => {
  const { cohort } = await call(api.CohortService, 'createCohort', {
    cohortId: 'e2e-early-reading', displayName: 'Early grade reading cohort', description: 'Ohio and California members', memberIds: [P1, P2],
  }, admin);
  assert.deepEqual([...cohort.memberIds].sort(), [P1, P2].sort());
  const added = await call(api.CohortService, 'addMember', { cohortId: 'e2e-early-reading', partnershipId: P3 }, admin);
  assert.equal(added.changed, true);
  const again = await call(api.CohortService, 'addMember', { cohortId: 'e2e-early-reading', partnershipId: P3 }, admin);
  assert.equal(again.changed, false, 'adding twice is idempotent');

  const res = await call(api.CohortService, 'compareBenchmarks', { cohortId: 'e2e-early-reading', gateway: 'GATEWAY_STAGE_EXPLORING' }, admin);
  assert.equal(res.matrices.length, 1, 'all members are on toa-6g');
  const m = res.matrices[0];
  assert.equal(m.frameworkId, 'toa-6g');
  assert.deepEqual(m.columns.map((c) => c.benchmarkId), SIX_GATEWAY.exploring);
  const row = (id) => m.rows.find((r) => r.partnershipId === id);
  assert.ok(row(P1).statuses.every((s) => s === 'BENCHMARK_STATUS_MET'));
  assert.ok(row(P2).statuses.every((s) => s === 'BENCHMARK_STATUS_MET'));
  assert.ok(row(P3).statuses.every((s) => s === 'BENCHMARK_STATUS_NOT_STARTED'));
  assert.deepEqual(m.metCounts, SIX_GATEWAY.exploring.map(() => 2));

  const rollup = await eventually(async () => {
    const r = await call(api.CohortService, 'getCohortRollup', { cohortId: 'e2e-early-reading' }, admin);
    return r.memberCount === 3 && countIn(r.designations, 'designation', 'DESIGNATION_PROOF_POINT') === 1
      && countIn(r.gateways, 'gateway', 'GATEWAY_STAGE_EMERGING') === 1 && r;
  }, { what: 'cohort rollup of 3 members with one Proof Point' });
  assert.equal(countIn(rollup.gateways, 'gateway', 'GATEWAY_STAGE_EXPLORING'), 1);
  const reading = rollup.outcomeTrends.find((o) => o.outcome === 'OUTCOME_EARLY_GRADE_READING');
  assert.equal(reading.improved, 1);
  assert.equal(reading.notTracked, 2);
  assert.equal(rollup.members.length, 3);
});

test('watcher: WatchNetworkRollup delivers the rollup change after a write', async () => {
  const stream = api.NetworkService.watchNetworkRollup({}, require('../lib/client').metadata(admin));
  const messages = [];
  let waiter;
  stream.on('data', ({ rollup }) => { messages.push(rollup); waiter?.(); });
  const errors = [];
  stream.on('error', (err) => errors.push(err));
  const next = (predicate, what) => eventually(() => messages.find(predicate), { what, timeoutMs: 20_000, intervalMs: 50 });
  try {
    const first = await next(() => true, 'the initial rollup');
    const emergingBefore = countIn(first.gateways, 'gateway', 'GATEWAY_STAGE_EMERGING');
    await call(api.PartnershipService, 'recordAssessment', { partnershipId: P3, assessments: assessments(SIX_GATEWAY.exploring, today()) }, admin);
    const changed = await next((r) => countIn(r.gateways, 'gateway', 'GATEWAY_STAGE_EMERGING') === emergingBefore + 1, 'a rollup with one more partnership in Emerging');
    assert.ok(BigInt(changed.version) > BigInt(first.version), 'versions increase');
    for (let i = 1; i < messages.length; i += 1) assert.ok(BigInt(messages[i].version) > BigInt(messages[i - 1].version), 'in order');
  } finally {
    stream.cancel();
  }
  assert.ok(errors.every((e) => e.code === Status.CANCELLED), errors.map((e) => `${e.code} ${e.details}`).join('; '));
});

test('rollup: network rollup counts the writes and equals the recomputation once writes settle', async () => {
  const rollup = await eventually(async () => {
    const r = await rollupOf();
    return r.partnershipCount === 3 && countIn(r.gateways, 'gateway', 'GATEWAY_STAGE_EMERGING') === 2 && r;
  }, { what: 'network rollup with 3 partnerships, 2 in Emerging' });
  assert.equal(countIn(rollup.gateways, 'gateway', 'GATEWAY_STAGE_PROOF_POINT'), 1);
  assert.equal(countIn(rollup.designations, 'designation', 'DESIGNATION_PROOF_POINT'), 1);
  const framework = rollup.frameworks.find((f) => f.frameworkId === 'toa-6g');
  assert.equal(framework.partnershipCount, 3);
  const reading = rollup.outcomeTrends.find((o) => o.outcome === 'OUTCOME_EARLY_GRADE_READING');
  assert.equal(reading.improved, 1);
  assert.equal(reading.notTracked, 2);
  assert.ok(rollup.gaps.reduced + rollup.gaps.eliminated >= 1, JSON.stringify(rollup.gaps));

  const res = await eventually(async () => {
    const r = await call(api.AdminService, 'recomputeNetworkRollup', { apply: false }, admin);
    return r.consistent && r;
  }, { what: 'a consistent recomputation' });
  assert.deepEqual(res.differences, []);
  assert.equal(res.partnershipCount, 3);
  assert.equal(res.applied, false);
  assert.equal(res.recomputed.partnershipCount, rollup.partnershipCount);
});

test('upload: bad rows are reported one by one with codes and client refs; good rows are stored', async () => {
  const good = series({ from: 2023, to: 2024, rate: 50 }).slice(0, 3);
  const rows = [
    ...good.map((observation, i) => ({ indicatorId: 'grade8-math', clientRef: `cia.csv:${i + 2}`, observation: { ...observation, year: 2025 } })),
    { indicatorId: 'grade8-math', clientRef: 'cia.csv:5',
      observation: { year: 2025, gender: 'GENDER_MALE', population: 'POPULATION_WHITE', counts: { numerator: 15, denominator: 12 } } },
    { indicatorId: 'no-such-indicator', clientRef: 'cia.csv:6',
      observation: { year: 2025, gender: 'GENDER_ALL', population: 'POPULATION_ALL_STUDENTS', counts: { numerator: 1, denominator: 12 } } },
    { indicatorId: 'grade8-math', clientRef: 'cia.csv:7',
      observation: { year: 1850, gender: 'GENDER_FEMALE', population: 'POPULATION_WHITE', counts: { numerator: 1, denominator: 12 } } },
  ];
  const res = await upload(api.IndicatorService, [{ header: { partnershipId: P1, validateOnly: false } }, { chunk: { rows } }], admin);
  assert.equal(res.receivedCount, 6);
  assert.equal(res.acceptedCount, 3);
  assert.equal(res.rejectedCount, 3);
  const byRef = Object.fromEntries(res.errors.map((e) => [e.clientRef, e]));
  assert.equal(byRef['cia.csv:5'].code, 'OBSERVATION_ERROR_CODE_NUMERATOR_ABOVE_DENOMINATOR');
  assert.equal(byRef['cia.csv:5'].rowIndex, 3);
  assert.match(byRef['cia.csv:5'].field, /numerator/);
  assert.equal(byRef['cia.csv:6'].code, 'OBSERVATION_ERROR_CODE_UNKNOWN_INDICATOR');
  assert.equal(byRef['cia.csv:7'].code, 'OBSERVATION_ERROR_CODE_YEAR_OUT_OF_RANGE');
  const math = await call(api.IndicatorService, 'getIndicator', { partnershipId: P1, indicatorId: 'grade8-math' }, admin);
  assert.ok(math.indicator.years.includes(2025), 'accepted rows of 2025 were stored');
});

test('upload: validateOnly checks rows without storing any', async () => {
  const rows = [{ indicatorId: 'hs-graduation', clientRef: 'r1',
    observation: { year: 2026, gender: 'GENDER_ALL', population: 'POPULATION_ALL_STUDENTS', counts: { numerator: 80, denominator: 100 } } }];
  const res = await upload(api.IndicatorService, [{ header: { partnershipId: P1, validateOnly: true } }, { chunk: { rows } }], admin);
  assert.equal(res.validateOnly, true);
  assert.equal(res.acceptedCount, 1);
  const grad = await call(api.IndicatorService, 'getIndicator', { partnershipId: P1, indicatorId: 'hs-graduation' }, admin);
  assert.equal(grad.indicator.years.includes(2026), false);
});
