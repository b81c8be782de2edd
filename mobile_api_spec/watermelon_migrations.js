// Generated from the server's sync table declarations by `make openapi`. Do not edit.
import { schemaMigrations, createTable, addColumns } from '@nozbe/watermelondb/Schema/migrations'

export default schemaMigrations({
  migrations: [
  ],
})
