// Generated from the server's sync table declarations by `make openapi`. Do not edit.
import { appSchema, tableSchema } from '@nozbe/watermelondb'

export default appSchema({
  version: 1,
  tables: [
    tableSchema({
      name: "attendance",
      columns: [
        { name: "session_id", type: "string", isIndexed: true },
        { name: "enrollment_id", type: "string", isIndexed: true },
        { name: "status", type: "string" },
        { name: "marked_at", type: "number" },
      ],
    }),
    tableSchema({
      name: "cohort_sessions",
      columns: [
        { name: "cohort_id", type: "string", isIndexed: true },
        { name: "date", type: "string" },
        { name: "module", type: "string" },
      ],
    }),
    tableSchema({
      name: "cohorts",
      columns: [
        { name: "course_id", type: "string", isIndexed: true },
        { name: "programme_id", type: "number" },
        { name: "name", type: "string" },
        { name: "is_virtual", type: "boolean" },
        { name: "city", type: "string" },
        { name: "start_date", type: "string" },
        { name: "end_date", type: "string" },
      ],
    }),
    tableSchema({
      name: "courses",
      columns: [
        { name: "code", type: "string" },
        { name: "title", type: "string" },
        { name: "description", type: "string" },
        { name: "stage", type: "string" },
        { name: "planned_hours", type: "number" },
        { name: "has_tests", type: "boolean" },
        { name: "pass_mark", type: "number" },
      ],
    }),
    tableSchema({
      name: "enrollments",
      columns: [
        { name: "cohort_id", type: "string", isIndexed: true },
        { name: "participant_id", type: "number" },
        { name: "status", type: "string" },
        { name: "pre_score", type: "number", isOptional: true },
        { name: "post_score", type: "number", isOptional: true },
        { name: "completed_on", type: "string", isOptional: true },
      ],
    }),
    tableSchema({
      name: "ledger_entries",
      columns: [
        { name: "venture_id", type: "string", isIndexed: true },
        { name: "kind", type: "string" },
        { name: "amount", type: "string" },
        { name: "occurred_on", type: "string" },
        { name: "payment_method", type: "string" },
        { name: "wallet", type: "string" },
        { name: "category", type: "string" },
        { name: "note", type: "string" },
        { name: "received_at", type: "number" },
      ],
    }),
    tableSchema({
      name: "lesson_progress",
      columns: [
        { name: "lesson_id", type: "string", isIndexed: true },
        { name: "completed_at", type: "number" },
      ],
    }),
    tableSchema({
      name: "lessons",
      columns: [
        { name: "module_code", type: "string", isIndexed: true },
        { name: "module_title", type: "string" },
        { name: "order", type: "number" },
        { name: "slug", type: "string" },
        { name: "title", type: "string" },
        { name: "body", type: "string" },
        { name: "quiz", type: "string" },
        { name: "test_questions", type: "string" },
      ],
    }),
    tableSchema({
      name: "quiz_attempts",
      columns: [
        { name: "kind", type: "string" },
        { name: "lesson_id", type: "string", isOptional: true },
        { name: "module_code", type: "string" },
        { name: "answers", type: "string" },
        { name: "correct", type: "number" },
        { name: "total", type: "number" },
        { name: "score", type: "number" },
        { name: "answered_at", type: "number" },
      ],
    }),
    tableSchema({
      name: "savings_deposits",
      columns: [
        { name: "goal_id", type: "string", isIndexed: true },
        { name: "kind", type: "string" },
        { name: "amount", type: "string" },
        { name: "occurred_on", type: "string" },
        { name: "note", type: "string" },
        { name: "created_at", type: "number" },
      ],
    }),
    tableSchema({
      name: "savings_goals",
      columns: [
        { name: "programme_id", type: "number" },
        { name: "name", type: "string" },
        { name: "target_amount", type: "string" },
        { name: "currency", type: "string" },
        { name: "target_date", type: "string", isOptional: true },
        { name: "created_at", type: "number" },
      ],
    }),
    tableSchema({
      name: "ventures",
      columns: [
        { name: "programme_id", type: "number" },
        { name: "name", type: "string" },
        { name: "sector", type: "string" },
        { name: "region", type: "string" },
        { name: "formalisation", type: "string" },
        { name: "started_on", type: "string" },
        { name: "country", type: "string" },
        { name: "currency", type: "string" },
        { name: "created_at", type: "number" },
      ],
    }),
  ],
})
