// Times @cloud-copilot/iam-simulate on the cases engine_benchmark.py writes to a JSON file.
// Usage: node iam_simulate_runner.mjs CASES.json SECONDS
// Prints one JSON line: {"decisions": n, "seconds": s, "results": [...first-pass results...]}
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const nodeDir = process.env.IAMLAB_BENCH_NODE_DIR || join(here, '.node')
const require = createRequire(join(nodeDir, 'package.json'))
const { runSimulation } = await import(require.resolve('@cloud-copilot/iam-simulate'))

const [casesPath, secondsText] = process.argv.slice(2)
const cases = JSON.parse(readFileSync(casesPath, 'utf8'))
const budget = Number(secondsText || '3') * 1000

function orgPoliciesOf(levels, prefix) {
  return (levels || []).map((level) => ({
    orgIdentifier: level.id,
    policies: level.policies.map((policy, i) => ({ name: `${prefix}${i}`, policy }))
  }))
}

function simulationOf(c) {
  return {
    request: {
      principal: c.principal,
      action: c.action,
      resource: { resource: c.resource, accountId: c.resource_account },
      contextVariables: c.context || {}
    },
    identityPolicies: (c.identity_policies || []).map((policy, i) => ({ name: `p${i}`, policy })),
    serviceControlPolicies: orgPoliciesOf(c.scps, 'scp'),
    resourceControlPolicies: orgPoliciesOf(c.rcps, 'rcp'),
    resourcePolicy: c.resource_policy || undefined,
    permissionBoundaryPolicies: c.permissions_boundary ? [{ name: 'boundary', policy: c.permissions_boundary }] : undefined,
    sessionPolicy: c.session_policy || undefined
  }
}

const simulations = cases.map(simulationOf)
const results = []
for (const s of simulations) {
  const r = await runSimulation(s, { simulationMode: 'Strict' })
  results.push(r.resultType === 'error' ? `error: ${JSON.stringify(r.errors).slice(0, 200)}` : r.overallResult)
}
let decisions = 0
const start = performance.now()
while (performance.now() - start < budget) {
  for (const s of simulations) {
    await runSimulation(s, { simulationMode: 'Strict' })
    decisions++
  }
}
const seconds = (performance.now() - start) / 1000
console.log(JSON.stringify({ decisions, seconds, results }))
