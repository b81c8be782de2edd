// Generated from the server's sync table declarations by `make openapi`. Do not edit.
import { appSchema, tableSchema } from '@nozbe/watermelondb'

export default appSchema({
  version: 1,
  tables: [
  ],
})
