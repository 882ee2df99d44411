/**
 * Every table group of the core's database, in one list. The core and every tool that opens the
 * same file (the technicians' CLI beside a running core) must migrate with the same list: a tool
 * with a shorter one would refuse a file the core has already taken further.
 */

import { alarmMigrations } from "../store/alarm-migrations.ts";
import { checkMigrations } from "../store/check-migrations.ts";
import { inboxMigrations } from "../store/inbox-migrations.ts";
import type { Migration } from "../store/migrations.ts";
import { missionMigrations } from "../store/mission-migrations.ts";
import { outboxMigrations } from "../store/outbox-migrations.ts";
import { resendMigrations } from "../store/resend-migrations.ts";
import { shiftMigrations } from "../store/shift-migrations.ts";
import { trackMigrations } from "../store/track-migrations.ts";

export const coreMigrations: readonly Migration[] = [
  ...trackMigrations, // 1
  ...outboxMigrations, // 2
  ...inboxMigrations, // 3
  ...checkMigrations, // 4
  ...missionMigrations, // 5
  ...alarmMigrations, // 6
  ...shiftMigrations, // 7
  ...resendMigrations, // 8
];
