// A stock WatermelonDB 0.28 app (LokiJS adapter, in memory) that syncs with a running Impulsa
// server over HTTP. The only sync code is pullChanges/pushChanges, as in WatermelonDB's docs.
// Usage: node conformance.js <config.json>; prints one JSON line of results; exit 1 on failure.
'use strict'

const fs = require('fs')
const { spawnSync } = require('child_process')
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
function loadSpec(file, dir = SPEC) {
  const source = fs
    .readFileSync(path.join(dir, file), 'utf8')
    .replace(/^import \{([^}]*)\} from '([^']+)'$/m, "const {$1} = require('$2')")
    .replace(/^export default /m, 'module.exports = ')
  const module = { exports: {} }
  new Function('require', 'module', source)(require, module)
  return module.exports
}

// One version of the app: its schema, its migrations and a model class per table.
function appVersion(dir = SPEC) {
  const schema = loadSpec('watermelon_schema.js', dir)
  const migrations = loadSpec('watermelon_migrations.js', dir)
  const modelClasses = Object.keys(schema.tables).map((table) => {
    const cls = class extends Model {}
    cls.table = table
    return cls
  })
  return { schema, migrations, modelClasses }
}

const V1 = appVersion()

class HttpError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}: ${body}`)
    this.status = status
    this.body = body
  }
}

class LostAnswer extends Error {}

// A device: the app at one version, signed in with its own session. `adapter` is the storage
// of an earlier version of the app on the same device (an app update keeps its data).
function device(name, token, { app = V1, baseUrl = config.baseUrl, adapter = null } = {}) {
  const storage =
    adapter ||
    new LokiJSAdapter({
      schema: app.schema,
      migrations: app.migrations,
      dbName: name,
      useWebWorker: false,
      useIncrementalIndexedDB: true,
    })
  const database = new Database({ adapter: storage, modelClasses: app.modelClasses })
  const headers = { 'X-Session-Token': token }
  const me = { name, token, app, baseUrl, database, pushes: [], pulls: [], sent: [] }

  // `loseAnswer`: the server gets the push and answers, but the answer never reaches the app.
  me.sync = ({ loseAnswer = false, ...options } = {}) =>
    synchronize({
      database,
      pullChanges: async ({ lastPulledAt, schemaVersion, migration }) => {
        me.pulls.push({ lastPulledAt, schemaVersion, migration })
        const urlParams = `last_pulled_at=${lastPulledAt}&schema_version=${schemaVersion}&migration=${encodeURIComponent(
          JSON.stringify(migration),
        )}`
        const response = await fetch(`${baseUrl}/api/v1/sync/pull?${urlParams}`, { headers })
        if (!response.ok) {
          throw new HttpError(response.status, await response.text())
        }
        const { changes, timestamp } = await response.json()
        return { changes, timestamp }
      },
      pushChanges: async ({ changes, lastPulledAt }) => {
        const ids = (c) => [...c.created, ...c.updated].map((r) => r.id)
        me.sent.push(Object.fromEntries(Object.entries(changes).map(([t, c]) => [t, ids(c)])))
        const response = await fetch(
          `${baseUrl}/api/v1/sync/push?last_pulled_at=${lastPulledAt}`,
          { method: 'POST', headers, body: JSON.stringify(changes) },
        )
        if (loseAnswer) {
          await response.text()
          throw new LostAnswer(`the answer (HTTP ${response.status}) was lost`)
        }
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
  me.lastPush = () => me.pushes[me.pushes.length - 1]
  me.rest = async (url) => {
    const response = await fetch(`${baseUrl}/api/v1/${url}`, { headers })
    return response.json()
  }

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
  // Makes records offline, in one write; returns their ids.
  me.make = async (table, ...records) => {
    const prepared = records.map((values) => me.create(table, values))
    await database.write(() => database.batch(...prepared))
    return prepared.map((r) => r.id)
  }
  me.remove = (table, id) =>
    database.write(async () => {
      await (await me.find(table, id)).markAsDeleted()
    })
  me.has = async (table, id) => (await me.all(table)).some((r) => r.id === id)
  me.status = async (table, id) => (await me.find(table, id))._raw._status
  // Syncs, and tells how it failed, if it did.
  me.trySync = async (options) => {
    try {
      await me.sync(options)
      return null
    } catch (error) {
      const body = error.body ? JSON.parse(error.body) : null
      return { status: error.status || null, message: String(error.message), body }
    }
  }
  return me
}

// What the server holds for a user: a first pull with no device state, at the app's version.
async function serverRecords(dev) {
  const version = dev.app.schema.version
  const response = await fetch(`${dev.baseUrl}/api/v1/sync/pull?schema_version=${version}`, {
    headers: { 'X-Session-Token': dev.token },
  })
  return (await response.json()).changes
}

// Field by field: every column of the device's schema, for every record, on both sides.
async function compare(dev) {
  const server = await serverRecords(dev)
  const differences = []
  for (const [table, tableSchema] of Object.entries(dev.app.schema.tables)) {
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
      if (a._status !== 'synced') differences.push(`${table}#${id} is ${a._status} on the device`)
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

// The server's own maintenance command, run as its operator would.
function manage(...args) {
  const run = spawnSync(config.manage[0], [config.manage[1], ...args], { encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`manage.py ${args.join(' ')}: ${run.stderr}`)
  return run.stdout.trim()
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
  step('phone matches server', { differences: await compare(phone) })

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
    differences: await compare(tablet),
  })

  const entry = (amount, extra = {}) => ({
    venture_id: config.ventureId, kind: 'sale', amount, occurred_on: config.day,
    payment_method: 'cash', ...extra,
  })
  const dayTotals = async (day) => {
    const summary = await phone.rest(
      `ventures/${config.ventureRestId}/summary?period=day&start=${day}&end=${day}`,
    )
    const { sales, expenses, entries } = summary.totals
    return { sales, expenses, entries }
  }

  // 5. A void made on the phone reaches the tablet.
  const [voided] = await phone.make('ledger_entries', entry('4.00', { occurred_on: '2025-06-05' }))
  await phone.sync()
  await tablet.sync()
  const tabletHadIt = await tablet.has('ledger_entries', voided)
  await phone.remove('ledger_entries', voided)
  await phone.sync()
  await tablet.sync()
  step('void reaches a second device', {
    entryId: voided,
    tabletHadIt,
    tabletHasIt: await tablet.has('ledger_entries', voided),
    phoneHasIt: await phone.has('ledger_entries', voided),
    push: phone.lastPush(),
    differences: [...(await compare(phone)), ...(await compare(tablet))],
  })

  // 6. A push whose answer is lost: the server applied it, the app never heard. The next sync
  // sends the same records again; nothing is doubled.
  const lostIds = await phone.make(
    'ledger_entries',
    entry('7.00', { occurred_on: '2025-06-06' }),
    entry('2.00', { occurred_on: '2025-06-06', kind: 'expense', category: 'stock' }),
  )
  const [lostDeposit] = await phone.make('savings_deposits', {
    goal_id: config.goalId, kind: 'deposit', amount: '1000', occurred_on: '2025-06-06',
  })
  await phone.edit('ventures', config.ventureId, { name: 'Arepas y jugos' })
  const lost = await phone.trySync({ loseAnswer: true })
  const statusAfterLoss = await phone.status('ledger_entries', lostIds[0])
  const retry = await phone.trySync()
  const resent = phone.sent[phone.sent.length - 1]
  await tablet.sync()
  step('lost push answer', {
    lost,
    statusAfterLoss,
    retry,
    retryPush: phone.lastPush(),
    resent,
    entryIds: lostIds,
    depositId: lostDeposit,
    totals: await dayTotals('2025-06-06'),
    tabletEntries: (await tablet.all('ledger_entries')).filter((e) => lostIds.includes(e.id))
      .length,
    differences: [...(await compare(phone)), ...(await compare(tablet))],
  })

  // 7. Two devices interleaved: edits on both, syncs alternating, one record edited on both
  // (different columns), until both hold the same as the server.
  const rounds = []
  for (let round = 1; round <= 3; round += 1) {
    await phone.edit('ventures', config.ventureId, { name: `Arepas ronda ${round}` })
    await tablet.edit('ventures', config.ventureId, { region: round % 2 ? 'PE-PIU' : 'PE-TAC' })
    await phone.make('ledger_entries', entry(`${round}.00`, { occurred_on: '2025-06-07' }))
    await tablet.make('ledger_entries', entry(`${round}0.00`, { occurred_on: '2025-06-07' }))
    const first = round % 2 ? phone : tablet
    const second = round % 2 ? tablet : phone
    const errors = [await first.trySync(), await second.trySync()]
    rounds.push({ errors, rejected: [phone.lastPush(), tablet.lastPush()] })
  }
  await phone.sync()
  await tablet.sync()
  const phoneVenture = (await phone.find('ventures', config.ventureId))._raw
  const tabletVenture = (await tablet.find('ventures', config.ventureId))._raw
  step('two devices interleaved', {
    rounds,
    phone: { name: phoneVenture.name, region: phoneVenture.region },
    tablet: { name: tabletVenture.name, region: tabletVenture.region },
    totals: await dayTotals('2025-06-07'),
    differences: [...(await compare(phone)), ...(await compare(tablet))],
  })

  // 8. A record the server rejects: the others in the push are applied, the rejected one stays
  // on the device, the next syncs carry on, and once the person fixes it, it goes through.
  const [good, bad] = await phone.make(
    'ledger_entries',
    entry('5.00', { occurred_on: '2025-06-08' }),
    entry('5.555', { occurred_on: '2025-06-08' }),
  )
  await phone.sync()
  const rejectedPush = phone.lastPush()
  const afterRejection = {
    badStatus: await phone.status('ledger_entries', bad),
    goodStatus: await phone.status('ledger_entries', good),
    totals: await dayTotals('2025-06-08'),
    serverHasBad: (await serverRecords(phone)).ledger_entries.created.some((e) => e.id === bad),
  }
  await phone.edit('savings_goals', config.goalId, { name: 'Nevera y cocina' })
  await phone.sync()
  const meanwhile = {
    push: phone.lastPush(),
    goalStatus: await phone.status('savings_goals', config.goalId),
  }
  await phone.edit('ledger_entries', bad, { amount: '5.55' })
  await phone.sync()
  const fixedPush = phone.lastPush()
  await phone.sync()
  await tablet.sync()
  step('rejection', {
    goodId: good,
    badId: bad,
    rejectedPush,
    afterRejection,
    meanwhile,
    fixedPush,
    totals: await dayTotals('2025-06-08'),
    differences: [...(await compare(phone)), ...(await compare(tablet))],
  })

  // 9. A trainer takes attendance offline for a session, corrects a mark, and syncs later; the
  // participant's phone receives her own marks.
  const trainer = device('trainer', config.tokens.trainer)
  await trainer.sync()
  const roster = (await trainer.all('enrollments')).map((e) => e.id).sort()
  const sessions = (await trainer.all('cohort_sessions')).map((e) => e.id).sort()
  const [s1, s2] = config.sessionIds
  const [ana, bea] = config.enrollmentIds
  const marks = await trainer.make(
    'attendance',
    { session_id: s1, enrollment_id: ana, status: 'present' },
    { session_id: s1, enrollment_id: bea, status: 'absent' },
    { session_id: s2, enrollment_id: ana, status: 'present' },
  )
  await trainer.edit('attendance', marks[1], { status: 'excused' }) // still offline
  await trainer.sync()
  const offlinePush = trainer.lastPush()
  await trainer.sync()
  await phone.sync()
  const phoneMarks = (await phone.all('attendance')).map((a) => [a.session_id, a.status]).sort()
  await trainer.edit('attendance', marks[2], { status: 'absent' }) // a correction after syncing
  await trainer.sync()
  const correctionPush = trainer.lastPush()
  await trainer.sync() // what the server changed with it: when it was marked, who completed
  await phone.sync()
  step('trainer attendance offline', {
    roster,
    sessions,
    markIds: marks,
    offlinePush,
    correctionPush,
    phoneMarks,
    phoneMarksAfter: (await phone.all('attendance')).map((a) => [a.session_id, a.status]).sort(),
    differences: [...(await compare(trainer)), ...(await compare(phone))],
  })

  // 10. Money in every currency: entries and goals made offline, pushed, pulled back in the
  // currency's own minor units, then edited.
  const caro = device('caro', config.tokens.caro)
  const caroTablet = device('caro-tablet', config.tokens.caro)
  await caro.sync()
  const money = {}
  for (const [currency, units] of Object.entries(config.currencies)) {
    const programmeId = config.programmeByCurrency[currency] || config.programmeByCurrency.PEN
    const item = { currency, units, made: {} }
    if (config.programmeByCurrency[currency]) {
      const [ventureId] = await caro.make('ventures', {
        programme_id: programmeId, name: `Negocio ${currency}`, sector: 'G', region: '',
        formalisation: 'informal', started_on: '2025-01-01',
      })
      const sent = units === 0 ? ['12744', '15000.00'] : ['12.50', '7.5']
      const ids = await caro.make(
        'ledger_entries',
        ...sent.map((amount) => ({
          venture_id: ventureId, kind: 'sale', amount, occurred_on: config.day,
          payment_method: 'cash',
        })),
      )
      item.made.entries = Object.fromEntries(ids.map((id, i) => [id, sent[i]]))
      item.ventureId = ventureId
    }
    const target = units === 0 ? '1960000.00' : '1960000.5'
    const [goalId] = await caro.make('savings_goals', {
      programme_id: programmeId, name: `Meta ${currency}`, target_amount: target, currency,
    })
    item.made.goal = { [goalId]: target }
    item.goalId = goalId
    money[currency] = item
  }
  await caro.sync()
  const madePush = caro.lastPush()
  await caro.sync() // the server's values come back
  const local = async (dev) => {
    const byId = async (table, column) =>
      Object.fromEntries((await dev.all(table)).map((r) => [r.id, r[column]]))
    const entries = await byId('ledger_entries', 'amount')
    const goalsById = await byId('savings_goals', 'target_amount')
    const out = {}
    for (const item of Object.values(money)) {
      out[item.currency] = {
        entries: Object.keys(item.made.entries || {}).map((id) => entries[id]),
        goal: goalsById[item.goalId],
      }
    }
    return out
  }
  const pulledBack = await local(caro)
  for (const item of Object.values(money)) {
    await caro.edit('savings_goals', item.goalId, {
      name: `Meta ${item.currency} editada`,
      target_amount: item.units === 0 ? '2500000' : '2500.75',
    })
  }
  await caro.sync()
  const editPush = caro.lastPush()
  await caro.sync()
  await caroTablet.sync()
  step('money in every currency', {
    money,
    madePush,
    pulledBack,
    editPush,
    edited: await local(caro),
    otherDevice: await local(caroTablet),
    differences: [...(await compare(caro)), ...(await compare(caroTablet))],
  })

  // 11. The app's schema goes from version 1 to 2. The server knows version 2 first; the
  // version 1 app keeps syncing with it, then the app is updated on the device (its data kept)
  // and its first sync at version 2 is a migration sync.
  const V2 = appVersion(config.v2Spec)
  const doraV1 = device('dora', config.tokens.dora, { baseUrl: config.v2Url })
  await doraV1.sync()
  const [doraVenture] = (await doraV1.all('ventures')).map((v) => v.id)
  await doraV1.edit('ventures', doraVenture, { name: 'Bodega Dora e hijos' })
  await doraV1.sync()
  await doraV1.sync()
  const v1Differences = await compare(doraV1)
  const updated = await doraV1.database.adapter.underlyingAdapter.testClone({
    schema: V2.schema,
    migrations: V2.migrations,
  })
  const doraV2 = device('dora', config.tokens.dora, {
    app: V2,
    baseUrl: config.v2Url,
    adapter: updated,
  })
  const keptVenture = (await doraV2.find('ventures', doraVenture))._raw
  await doraV2.sync()
  const migrationPull = doraV2.pulls[doraV2.pulls.length - 1]
  const migrated = (await doraV2.find('ventures', doraVenture))._raw
  step('migration v1 to v2', {
    v1Differences,
    keptName: keptVenture.name,
    schemaVersion: await doraV2.database.adapter.getLocal(
      '__watermelon_last_pulled_schema_version',
    ),
    migrationPull,
    countryName: migrated.country_name,
    profiles: (await doraV2.all('venture_profiles')).map((p) => [p.id, p.venture_id, p.headline]),
    differences: await compare(doraV2),
  })

  // 12. Reset after pruning: the tablet last pulled before a void whose tombstone the server
  // has since pruned. It is told to reset, and a full sync from nothing converges.
  await tablet.sync()
  const [pruned] = await phone.make('ledger_entries', entry('9.00', { occurred_on: '2025-06-09' }))
  await phone.sync()
  await tablet.sync()
  await phone.remove('ledger_entries', pruned)
  await phone.sync()
  const pruning = manage('prune_sync_tombstones', '--days', '0')
  const refused = await tablet.trySync()
  if (refused && refused.status === 410) {
    await tablet.database.write(() => tablet.database.unsafeResetDatabase())
    await tablet.sync()
  }
  step('reset after pruning', {
    entryId: pruned,
    pruning,
    refused,
    tabletHasIt: await tablet.has('ledger_entries', pruned),
    differences: await compare(tablet),
  })

  // 13. A device that holds a number above the server's counter (synced before a restore).
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
  step('reset', { reset, differences: await compare(tablet) })

  out.console = consoleLog
  process.stdout.write(`\nRESULT ${JSON.stringify(out)}\n`, () => process.exit(0))
}

main().catch((error) => {
  process.stdout.write(`\nRESULT ${JSON.stringify({ crashed: String(error.stack || error), console: consoleLog })}\n`)
  process.exit(1)
})
