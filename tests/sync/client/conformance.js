// A stock WatermelonDB 0.28 app (LokiJS adapter, in memory) that syncs with a running Impulsa
// server over HTTP. The only sync code is pullChanges/pushChanges, as in WatermelonDB's docs.
// Usage: node conformance.js <config.json>; prints one JSON line of results; exit 1 on failure.
'use strict'

const fs = require('fs')
const path = require('path')

// Everything WatermelonDB writes to the console is kept and reported.
const consoleLog = { error: [], warn: [] }
for (const level of ['error', 'warn']) {
  const original = console[level]
  console[level] = (...args) => {
    consoleLog[level].push(args.map(String).join(' '))
    original.apply(console, args)
  }
}

const { Database, Model } = require('@nozbe/watermelondb')
const LokiJSAdapter = require('@nozbe/watermelondb/adapters/lokijs').default
const { synchronize } = require('@nozbe/watermelondb/sync')

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
const SPEC = path.join(__dirname, '..', '..', '..', 'mobile_api_spec')

// The server's generated files, unchanged, loaded as CommonJS modules.
function loadSpec(file) {
  const source = fs
    .readFileSync(path.join(SPEC, file), 'utf8')
    .replace(/^import \{([^}]*)\} from '([^']+)'$/m, "const {$1} = require('$2')")
    .replace(/^export default /m, 'module.exports = ')
  const module = { exports: {} }
  new Function('require', 'module', source)(require, module)
  return module.exports
}

const schema = loadSpec('watermelon_schema.js')
const migrations = loadSpec('watermelon_migrations.js')
const modelClasses = Object.keys(schema.tables).map((table) => {
  const cls = class extends Model {}
  cls.table = table
  return cls
})

class HttpError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}: ${body}`)
    this.status = status
    this.body = body
  }
}

function device(name, token) {
  const adapter = new LokiJSAdapter({
    schema,
    migrations,
    dbName: name,
    useWebWorker: false,
    useIncrementalIndexedDB: true,
  })
  const database = new Database({ adapter, modelClasses })
  const headers = { 'X-Session-Token': token }
  const me = { name, database, pushes: [] }

  me.sync = (options = {}) =>
    synchronize({
      database,
      pullChanges: async ({ lastPulledAt, schemaVersion, migration }) => {
        const urlParams = `last_pulled_at=${lastPulledAt}&schema_version=${schemaVersion}&migration=${encodeURIComponent(
          JSON.stringify(migration),
        )}`
        const response = await fetch(`${config.baseUrl}/api/v1/sync/pull?${urlParams}`, { headers })
        if (!response.ok) {
          throw new HttpError(response.status, await response.text())
        }
        const { changes, timestamp } = await response.json()
        return { changes, timestamp }
      },
      pushChanges: async ({ changes, lastPulledAt }) => {
        const response = await fetch(
          `${config.baseUrl}/api/v1/sync/push?last_pulled_at=${lastPulledAt}`,
          { method: 'POST', headers, body: JSON.stringify(changes) },
        )
        if (!response.ok) {
          throw new HttpError(response.status, await response.text())
        }
        const result = await response.json()
        me.pushes.push(result)
        return result
      },
      migrationsEnabledAtVersion: 1,
      ...options,
    })

  me.all = async (table) => {
    const records = await database.get(table).query().fetch()
    return records.map((r) => r._raw)
  }
  me.find = (table, id) => database.get(table).find(id)
  me.edit = (table, id, values) =>
    database.write(async () => {
      const record = await me.find(table, id)
      await record.update((r) => {
        for (const [k, v] of Object.entries(values)) r._setRaw(k, v)
      })
    })
  me.create = (table, values) =>
    database.get(table).prepareCreate((r) => {
      for (const [k, v] of Object.entries(values)) r._setRaw(k, v)
    })
  return me
}

// What the server holds for a user: a first pull with no device state.
async function serverRecords(token) {
  const response = await fetch(`${config.baseUrl}/api/v1/sync/pull?schema_version=1`, {
    headers: { 'X-Session-Token': token },
  })
  return (await response.json()).changes
}

// Field by field: every column of the schema, for every record, on both sides.
async function compare(dev, token) {
  const server = await serverRecords(token)
  const differences = []
  for (const [table, tableSchema] of Object.entries(schema.tables)) {
    const columns = Object.keys(tableSchema.columns)
    const remote = new Map((server[table] ? server[table].created : []).map((r) => [r.id, r]))
    const local = new Map((await dev.all(table)).map((r) => [r.id, r]))
    for (const id of new Set([...remote.keys(), ...local.keys()])) {
      const a = local.get(id)
      const b = remote.get(id)
      if (!a || !b) {
        differences.push(`${table}#${id} only ${a ? 'on the device' : 'on the server'}`)
        continue
      }
      for (const column of columns) {
        const type = tableSchema.columns[column].type
        const empty = type === 'string' ? '' : type === 'number' ? 0 : false
        const want = b[column] === undefined || b[column] === null ? null : b[column]
        const have = a[column] === undefined ? null : a[column]
        if (want !== have && !(want === null && (have === empty || have === null))) {
          differences.push(`${table}#${id}.${column}: device ${have} server ${want}`)
        }
      }
    }
  }
  return differences
}

async function main() {
  const out = { steps: [] }
  const step = (name, data) => out.steps.push({ name, ...data })
  const phone = device('phone', config.tokens.phone)
  const tablet = device('tablet', config.tokens.tablet)

  // 1. First sync.
  await phone.sync()
  const goals = await phone.all('savings_goals')
  const goal = goals.find((g) => g.id === config.goalId)
  step('first sync', {
    ventures: (await phone.all('ventures')).length,
    entries: (await phone.all('ledger_entries')).length,
    goalTarget: goal && goal.target_amount,
    depositAmounts: (await phone.all('savings_deposits')).map((d) => d.amount),
  })

  // 2. A pulled COP savings goal, renamed offline, pushed whole.
  await phone.edit('savings_goals', config.goalId, { name: 'Nevera grande' })
  await phone.sync()
  step('edit COP goal', { push: phone.pushes[phone.pushes.length - 1] })

  // 3. Offline: a new venture with two entries and a new goal with a deposit, one push.
  const venture = phone.create('ventures', {
    programme_id: config.programmeId,
    name: 'Empanadas',
    sector: 'I',
    region: '',
    formalisation: 'informal',
    started_on: '2025-01-01',
  })
  const newGoal = phone.create('savings_goals', {
    name: 'Horno',
    target_amount: '500',
    currency: 'PEN',
  })
  const children = [
    phone.create('ledger_entries', {
      venture_id: venture.id, kind: 'sale', amount: '12.50', occurred_on: config.day,
      payment_method: 'cash',
    }),
    phone.create('ledger_entries', {
      venture_id: venture.id, kind: 'expense', amount: '3', occurred_on: config.day,
      payment_method: 'cash', category: 'stock',
    }),
    phone.create('savings_deposits', {
      goal_id: newGoal.id, kind: 'deposit', amount: '20.00', occurred_on: config.day,
    }),
  ]
  await phone.database.write(() => phone.database.batch(venture, newGoal, ...children))
  await phone.sync()
  step('new parents and children', {
    push: phone.pushes[phone.pushes.length - 1],
    ventureId: venture.id,
    goalId: newGoal.id,
    entryIds: children.slice(0, 2).map((c) => c.id),
    depositId: children[2].id,
  })
  await phone.sync() // its own records come back: no error either
  step('phone matches server', { differences: await compare(phone, config.tokens.phone) })

  // 4. Conflict: the tablet renames the venture offline; while it syncs, after its pull and
  // before its push, the phone pushes another name. The push is refused (409); the next sync
  // pulls the phone's change and pushes the tablet's.
  await tablet.sync()
  await tablet.edit('ventures', config.ventureId, { name: 'Arepas de la tableta' })
  await phone.edit('ventures', config.ventureId, { name: 'Arepas del teléfono' })
  let conflict = null
  try {
    await tablet.sync({
      onWillApplyRemoteChanges: async () => {
        await phone.sync()
      },
    })
  } catch (error) {
    conflict = { status: error.status, body: error.body && JSON.parse(error.body) }
  }
  await tablet.sync()
  await phone.sync()
  step('conflict', {
    conflict,
    tabletName: (await tablet.find('ventures', config.ventureId))._raw.name,
    phoneName: (await phone.find('ventures', config.ventureId))._raw.name,
    differences: await compare(tablet, config.tokens.tablet),
  })

  // 5. A device that holds a number above the server's counter (synced before a restore).
  await tablet.database.write(() =>
    tablet.database.adapter.setLocal('__watermelon_last_pulled_at', String(10 ** 12)),
  )
  let reset = null
  try {
    await tablet.sync()
  } catch (error) {
    reset = { status: error.status, body: error.body && JSON.parse(error.body) }
  }
  if (reset && reset.status === 410) {
    await tablet.database.write(() => tablet.database.unsafeResetDatabase())
    await tablet.sync()
  }
  step('reset', { reset, differences: await compare(tablet, config.tokens.tablet) })

  out.console = consoleLog
  process.stdout.write(`\nRESULT ${JSON.stringify(out)}\n`, () => process.exit(0))
}

main().catch((error) => {
  process.stdout.write(`\nRESULT ${JSON.stringify({ crashed: String(error.stack || error), console: consoleLog })}\n`)
  process.exit(1)
})
