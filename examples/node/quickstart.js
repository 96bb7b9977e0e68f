'use strict';
// Quickstart: the network rollup, the first partnerships, one partnership's progress and report card.
//   STRIVE_TOKEN=<token> node examples/node/quickstart.js        (STRIVE_ADDRESS defaults to 127.0.0.1:5000)
const { client, call, show } = require('./client');

// 'GATEWAY_STAGE_SYSTEMS_CHANGE' -> 'systems change'
const label = (value, prefix) => value.slice(prefix.length).toLowerCase().replaceAll('_', ' ');

async function main() {
  const network = client('NetworkService');
  const { rollup } = await call(network, 'getNetworkRollup', {});
  console.log(`network: ${rollup.partnershipCount} partnerships (rollup version ${rollup.version})`);
  console.log(`  by gateway: ${rollup.gateways.map((g) => `${label(g.gateway, 'GATEWAY_STAGE_')} ${g.partnershipCount}`).join(', ')}`);
  console.log(`  designations: ${rollup.designations.map((d) => `${label(d.designation, 'DESIGNATION_')} ${d.partnershipCount}`).join(', ')}`);

  const { partnerships, totalSize } = await call(network, 'listPartnerships', { pageSize: 5 });
  console.log(`first ${partnerships.length} of ${totalSize} partnerships:`);
  for (const p of partnerships) console.log(`  ${p.partnershipId} (${p.usState}, ${p.frameworkId}): ${label(p.gateway, 'GATEWAY_STAGE_')}`);
  if (partnerships.length === 0) return;

  const partnershipService = client('PartnershipService');
  const progress = await call(partnershipService, 'getProgress', { partnershipId: partnerships[0].partnershipId });
  console.log(`progress of ${progress.partnershipId}: ${label(progress.gateway, 'GATEWAY_STAGE_')}`);
  for (const d of progress.designations) console.log(`  ${label(d.designation, 'DESIGNATION_')}: ${d.met ? 'met' : 'not met'} - ${d.explanation}`);

  const card = await call(partnershipService, 'getReportCard', { partnershipId: partnerships[0].partnershipId, year: 0 });
  console.log(`report card ${card.year} (cells under ${card.minimumN} students are suppressed):`);
  for (const indicator of card.outcomes.flatMap((o) => o.indicators)) {
    console.log(`  ${indicator.displayName}: ${show(indicator.latest)}; trend ${label(indicator.trend?.direction ?? 'TREND_DIRECTION_UNSPECIFIED', 'TREND_DIRECTION_')}`);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`quickstart failed: ${err.code !== undefined ? `gRPC status ${err.code}: ${err.details}` : err.message}`);
    process.exit(1);
  },
);
