/**
 * The API routes of src/contracts/dispatch-api.ts. Every request body is parsed with the contract's
 * schema (strict: a misspelt field is refused by name); every command commits first, then kicks the
 * command outbox and pushes the change to the board.
 */
import { randomBytes } from "node:crypto";
import type { z } from "zod";
import {
  loginRequestSchema,
  messageSendSchema,
  missionAssignSchema,
  missionCreateSchema,
  timeRangeQuerySchema,
} from "../../src/contracts/dispatch-api.ts";
import { vehicleIdSchema } from "../../src/contracts/ids.ts";
import { describeIssues } from "../../src/contracts/messages.ts";
import { sessionLifetimeMs } from "../../src/store/dispatch-operator-repository.ts";
import { HttpError, json, type RequestContext, sessionCookie } from "./http-server.ts";

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, "bad_request", describeIssues(result.error));
  return result.data;
}

function cookie(token: string, maxAgeS: number): Record<string, string> {
  return { "Set-Cookie": `${sessionCookie}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeS}` };
}

/** `M-20261123-4F2A9C`: readable on the radio, unique enough with 24 random bits per day and a retry. */
function newMissionId(now: number): string {
  const day = new Date(now).toISOString().slice(0, 10).replace(/-/g, "");
  return `M-${day}-${randomBytes(3).toString("hex").toUpperCase()}`;
}

export async function route(ctx: RequestContext): Promise<void> {
  const { method, url, res, options } = ctx;
  const path = url.pathname;
  const now = options.clock.now();
  const serverTime = new Date(now).toISOString();

  if (method === "POST" && path === "/api/login") {
    const { username, password } = parse(loginRequestSchema, ctx.body);
    const attempt = ctx.throttle.reserve(ctx.address, username, now);
    if (!attempt.allowed) {
      const retryAfterS = Math.ceil(attempt.retryAfterMs / 1000);
      options.logger.warn(
        { username: username.slice(0, 64), address: ctx.address },
        "dispatch login throttled",
      );
      throw new HttpError(429, "rate_limited", `too many wrong passwords: try again in ${retryAfterS} s`, {
        "Retry-After": String(retryAfterS),
      });
    }
    const operator = await options.operators.verify(username, password);
    if (!operator) {
      ctx.throttle.failed(ctx.address, username, options.clock.now());
      options.logger.warn(
        { username: username.slice(0, 64), address: ctx.address },
        "dispatch login refused",
      );
      throw new HttpError(401, "unauthorized", "wrong username or password");
    }
    ctx.throttle.succeeded(ctx.address, username);
    const token = options.operators.openSession(operator.username, now);
    options.logger.info({ username }, "operator logged in");
    return json(res, 200, { operator }, cookie(token, sessionLifetimeMs / 1000));
  }
  if (method === "POST" && path === "/api/logout") {
    if (ctx.token) options.operators.closeSession(ctx.token);
    return json(res, 200, {}, cookie("", 0));
  }
  const operator = ctx.operator;
  if (!operator) throw new HttpError(401, "unauthorized", "log in first");
  if (method === "GET" && path === "/api/session") return json(res, 200, { operator });

  if (method === "GET" && path === "/api/fleet")
    return json(res, 200, {
      serverTime,
      fleet: options.fleet,
      cars: options.queries.cars(),
      openAlarms: options.queries.alarms(true),
      missions: options.queries.missions(true),
    });
  if (method === "GET" && path === "/api/missions")
    return json(res, 200, options.queries.missions(url.searchParams.get("open") === "1"));
  if (method === "GET" && path === "/api/alarms")
    return json(res, 200, options.queries.alarms(url.searchParams.get("open") === "1"));

  if (method === "POST" && path === "/api/missions") {
    const { vehicle, ...mission } = parse(missionCreateSchema, ctx.body);
    let missionId = newMissionId(now);
    while (options.queries.mission(missionId)) missionId = newMissionId(now);
    options.commands.createMission(missionId, mission, operator.username, now);
    if (vehicle !== undefined) {
      const outcome = options.commands.assignMission(missionId, vehicle, now);
      if (outcome.ok) options.afterCommand();
    }
    const row = options.queries.mission(missionId);
    if (row) ctx.push({ type: "mission", serverTime, mission: row });
    return json(res, 200, row);
  }

  const assign = /^\/api\/missions\/([^/]+)\/assign$/.exec(path);
  if (method === "POST" && assign) {
    const missionId = decodeURIComponent(assign[1] ?? "");
    const { vehicle } = parse(missionAssignSchema, ctx.body);
    const outcome = options.commands.assignMission(missionId, vehicle, now);
    if (!outcome.ok)
      throw outcome.reason === "not_found"
        ? new HttpError(404, "not_found", `no mission ${missionId}`)
        : new HttpError(409, "conflict", `mission ${missionId} is already under way`);
    options.afterCommand();
    const row = options.queries.mission(missionId);
    if (row) ctx.push({ type: "mission", serverTime, mission: row });
    options.logger.info({ missionId, vehicle, operator: operator.username }, "mission assigned");
    return json(res, 200, { commandId: outcome.commandId, vehicle });
  }

  const alarmAck = /^\/api\/alarms\/([^/]+)\/ack$/.exec(path);
  if (method === "POST" && alarmAck) {
    const alarmId = decodeURIComponent(alarmAck[1] ?? "");
    const vehicleParam = url.searchParams.get("vehicle");
    const candidates = options.queries
      .alarms(true)
      .filter(
        (a) =>
          a.state === "raised" &&
          a.alarmId === alarmId &&
          (vehicleParam === null || a.vehicle === vehicleParam),
      );
    const alarm = candidates[0];
    if (!alarm) throw new HttpError(404, "not_found", `no open alarm ${alarmId}`);
    if (candidates.length > 1)
      throw new HttpError(409, "conflict", "several cars have this alarm id: add ?vehicle=");
    const refs = options.commands.acknowledgeAlarm(alarm.vehicle, alarmId, operator.username, now);
    if (refs === null) throw new HttpError(409, "conflict", `alarm ${alarmId} is not open`);
    // After the commit: the car shows "received by dispatch" and stops repeating.
    options.sendAcks(refs.map((ref) => ({ fleet: options.fleet, vehicle: alarm.vehicle, ref })));
    const row = options.queries.alarm(alarm.vehicle, alarmId);
    if (row) ctx.push({ type: "alarm", serverTime, alarm: row });
    options.logger.info(
      { alarmId, vehicle: alarm.vehicle, operator: operator.username },
      "alarm acknowledged",
    );
    return json(res, 200, row);
  }

  const car = /^\/api\/cars\/([^/]+)\/(messages|status-request|equipment|timeline|track)$/.exec(path);
  if (car) {
    const vehicle = parse(vehicleIdSchema, decodeURIComponent(car[1] ?? ""));
    const what = car[2];
    if (method === "POST" && what === "messages") {
      const { text, replyTo } = parse(messageSendSchema, ctx.body);
      const commandId = options.commands.sendMessage(vehicle, text, replyTo, operator.username, now);
      options.afterCommand();
      const message = options.queries.message(commandId);
      if (message) ctx.push({ type: "message", serverTime, message });
      return json(res, 200, { commandId, vehicle });
    }
    if (method === "POST" && what === "status-request") {
      const commandId = options.commands.requestStatus(vehicle, now);
      options.afterCommand();
      return json(res, 200, { commandId, vehicle });
    }
    if (method === "GET" && what === "messages") {
      options.commands.markRead(vehicle);
      // Every console's board shows the car's unread count: tell them it went down.
      const car = options.queries.car(vehicle);
      if (car) ctx.push({ type: "car", serverTime, car });
      return json(res, 200, options.queries.messages(vehicle));
    }
    if (method === "GET" && what === "equipment") {
      const view = options.queries.equipment(vehicle);
      if (!view) throw new HttpError(404, "not_found", `dispatch has never heard of ${vehicle}`);
      return json(res, 200, view);
    }
    if (method === "GET" && (what === "timeline" || what === "track")) {
      const { from, to } = parse(timeRangeQuerySchema, Object.fromEntries(url.searchParams));
      return json(
        res,
        200,
        what === "timeline"
          ? options.queries.timeline(vehicle, from, to)
          : options.queries.track(vehicle, from, to),
      );
    }
  }
  throw new HttpError(404, "not_found", `no route ${method} ${path}`);
}
