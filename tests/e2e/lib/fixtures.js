'use strict';
// Realistic aggregate data for the tests: a district of a few thousand students per grade, disaggregated into the
// 36 CIA-2024 cells (3 genders x 12 populations) so that totals add up exactly (the race groups partition All
// students; Low income and English learners are subsets), with Native Hawaiian / Pacific Islander and Middle Eastern /
// North African groups small enough to fall under the suppression minimum.

const RACES = [
  // population, share of students, rate offset from the all-student rate (percentage points)
  ['POPULATION_AMERICAN_INDIAN_ALASKA_NATIVE', 0.012, -14],
  ['POPULATION_ASIAN', 0.06, 12],
  ['POPULATION_BLACK', 0.22, -13],
  ['POPULATION_HISPANIC', 0.24, -9],
  ['POPULATION_MIDDLE_EASTERN_NORTH_AFRICAN', 0.006, -2],
  ['POPULATION_NATIVE_HAWAIIAN_PACIFIC_ISLANDER', 0.004, -6],
  ['POPULATION_WHITE', 0.38, 9],
  ['POPULATION_MULTIRACIAL', 0.058, 0],
  ['POPULATION_OTHER_RACE', 0.02, -4],
];
const SUBSETS = [
  ['POPULATION_LOW_INCOME', 0.55, -11],
  ['POPULATION_ENGLISH_LEARNER', 0.12, -16],
];
const GENDERS = [['GENDER_FEMALE', 0.49, 2], ['GENDER_MALE', 0.51, -2]];

const clampRate = (r) => Math.min(0.97, Math.max(0.03, r));

/**
 * The 36 observations of one year. `students` is the all-student denominator, `rate` the all-student rate in
 * percent; `gapClosing` (points per year after 2019) narrows the Black and Hispanic gaps.
 */
function yearObservations(year, { students = 2400, rate = 40, gapClosing = 0 } = {}) {
  const cells = new Map();
  const add = (gender, population, n, d) => {
    const key = `${gender}|${population}`;
    const prev = cells.get(key) ?? { n: 0, d: 0 };
    cells.set(key, { n: prev.n + n, d: prev.d + d });
  };
  const closing = gapClosing * (year - 2019);
  for (const [population, share, offset] of RACES) {
    const narrowed = offset < 0 && (population.endsWith('BLACK') || population.endsWith('HISPANIC')) ? Math.min(0, offset + closing) : offset;
    for (const [gender, genderShare, genderOffset] of GENDERS) {
      const d = Math.max(2, Math.round(students * share * genderShare));
      const n = Math.round(d * clampRate((rate + narrowed + genderOffset) / 100));
      add(gender, population, n, d);
      add(gender, 'POPULATION_ALL_STUDENTS', n, d);
      add('GENDER_ALL', population, n, d);
      add('GENDER_ALL', 'POPULATION_ALL_STUDENTS', n, d);
    }
  }
  for (const [population, share, offset] of SUBSETS) {
    for (const [gender, genderShare, genderOffset] of GENDERS) {
      const d = Math.round(students * share * genderShare);
      const n = Math.round(d * clampRate((rate + offset + genderOffset) / 100));
      add(gender, population, n, d);
      add('GENDER_ALL', population, n, d);
    }
  }
  return [...cells.entries()].map(([key, { n, d }]) => {
    const [gender, population] = key.split('|');
    return { year, gender, population, counts: { numerator: n, denominator: d } };
  });
}

/** Observations for a run of years with the all-student rate moving by `slope` points a year. */
function series({ from = 2019, to = 2024, rate = 40, slope = 1.2, students = 2400, gapClosing = 0.8 } = {}) {
  const rows = [];
  for (let year = from; year <= to; year += 1) {
    rows.push(...yearObservations(year, { students: students + (year - from) * 15, rate: rate + slope * (year - from), gapClosing }));
  }
  return rows;
}

/** A core indicator definition with a gap for Black students against the best group at baseline. */
function coreIndicator(displayName, outcome, { baselineYear = 2019, target = 60 } = {}) {
  return {
    displayName,
    description: `${displayName} (district data, fall administration)`,
    outcome,
    kind: 'INDICATOR_KIND_CORE',
    polarity: 'POLARITY_HIGHER_IS_BETTER',
    unit: 'UNIT_PERCENT',
    baselineYear,
    targets: [{ year: 2028, value: target }],
    definitionVersion: 1,
    taxonomyVersion: 'CIA-2024',
    source: 'State assessment file',
    gaps: [
      { gapId: 'black-vs-best', focal: { gender: 'GENDER_ALL', population: 'POPULATION_BLACK' }, referenceRule: 'GAP_REFERENCE_RULE_BEST_GROUP_AT_BASELINE' },
      { gapId: 'hispanic-vs-all', focal: { gender: 'GENDER_ALL', population: 'POPULATION_HISPANIC' }, referenceRule: 'GAP_REFERENCE_RULE_ALL_STUDENTS' },
    ],
  };
}

function profile(displayName, usState, frameworkId = 'toa-6g') {
  return {
    displayName,
    usState,
    geographicScope: { level: 'GEOGRAPHIC_SCOPE_LEVEL_COUNTY', description: `${displayName} service area` },
    anchorEntity: { name: `${displayName} Inc.`, fiscalAgent: true },
    leadershipTableSectors: ['SECTOR_K12_EDUCATION', 'SECTOR_HIGHER_EDUCATION', 'SECTOR_PHILANTHROPY', 'SECTOR_BUSINESS'],
    keyStaffRolesFilled: ['STAFF_ROLE_PARTNERSHIP_DIRECTOR', 'STAFF_ROLE_DATA_MANAGER'],
    frameworkId,
  };
}

const SIX_GATEWAY = {
  exploring: ['6G-EXP-SCV-1', '6G-EXP-SCV-2', '6G-EXP-SCV-3', '6G-EXP-EBDM-1', '6G-EXP-EBDM-2', '6G-EXP-CA-1', '6G-EXP-IS-1', '6G-EXP-IS-2'],
  emerging: ['6G-EMG-SCV-1', '6G-EMG-SCV-2', '6G-EMG-SCV-3', '6G-EMG-EBDM-1', '6G-EMG-EBDM-2', '6G-EMG-CA-1', '6G-EMG-IS-1', '6G-EMG-IS-2'],
  sustaining: ['6G-SUS-SCV-1', '6G-SUS-SCV-2', '6G-SUS-EBDM-1', '6G-SUS-CA-1', '6G-SUS-CA-2', '6G-SUS-CA-3', '6G-SUS-IS-1', '6G-SUS-IS-2'],
  systemsChange: ['6G-SC-SCV-1', '6G-SC-SCV-2', '6G-SC-EBDM-1', '6G-SC-CA-1', '6G-SC-CA-2', '6G-SC-CA-3', '6G-SC-IS-1', '6G-SC-IS-2', '6G-SC-IS-3'],
};

function assessments(ids, date, status = 'BENCHMARK_STATUS_MET') {
  return ids.map((benchmarkId) => ({
    benchmarkId, status, assessmentDate: date, assessor: 'Network data lead',
    evidenceNote: `Evidence reviewed for ${benchmarkId}: charter, minutes and data-use agreements on file.`,
  }));
}

module.exports = { yearObservations, series, coreIndicator, profile, assessments, SIX_GATEWAY };
