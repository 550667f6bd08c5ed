import { hostname } from 'node:os';
import { Compile } from 'typebox/compile';
import {
  MAX_FLEET_LISTED,
  SCREEN_REPORT_EVERY_MS,
  ScreenReportSchema,
  screenFlags,
  screenName,
  type FleetAnswer,
  type FleetThresholds,
  type ScreenReport,
  type ScreenStatus,
} from '../../shared/fleet.js';
import { CLUSTER_EVENTS, FLEET_ENTRIES_PER_MESSAGE, type FleetMessage, type LiveNamespace } from '../messages.js';

/**
 * The screen fleet, server side (docs/director.md, "Screen fleet"). Every node keeps the newest
 * report of each board connected to it (FleetReports); push nodes send theirs to the live node
 * once a second (forwardReports); the live node lists them all for the console (Fleet).
 * Work is per report (a schema check and a map write) and per listing, never per tick, and
 * memory is one entry per connected board plus a bounded memory of named screens that left.
 */

// Compiled here, on the server: the board's bundle takes shared/fleet.ts without the compiler.
const isReport = Compile(ScreenReportSchema);

/** How the console names a node: its host and process (several nodes may share a host). */
export function nodeName(): string {
  return `${hostname()}:${process.pid}`;
}

/** Named boards that left, kept until the next look (the live node's listing, a push node's send). */
const MAX_GONE = 5000;

/** Reports closer together than this from one socket are dropped (a board sends one a second). */
const MIN_REPORT_GAP_MS = SCREEN_REPORT_EVERY_MS / 2;

/** A board's newest report on the node its socket is on; `at`: when it arrived, this node's clock. */
export interface ReportEntry {
  id: string;
  report: ScreenReport;
  at: number;
}

/** Each connected board's newest report on this node, and the named boards that left since the last look. */
export class FleetReports {
  readonly entries = new Map<string, ReportEntry>();
  /** Boards that disconnected since `takeGone` last ran (their last entry). */
  private gone: ReportEntry[] = [];

  constructor(
    nsp: LiveNamespace,
    private readonly now: () => number = Date.now,
  ) {
    nsp.on('connection', (socket) => {
      socket.on('report', (report: unknown) => {
        const t = this.now();
        const last = this.entries.get(socket.id);
        if (last && t - last.at < MIN_REPORT_GAP_MS) return;
        if (!isReport.Check(report)) return;
        this.entries.set(socket.id, { id: socket.id, report, at: t });
      });
      socket.on('disconnect', () => {
        const last = this.entries.get(socket.id);
        if (!last) return;
        this.entries.delete(socket.id);
        // Only a named screen is remembered once gone: an unnamed one cannot be told apart on its return.
        if (last.report.screen !== '') this.gone.push(last);
        // Bounded when nobody looks (no console open, or a push node's sends failing): the newest kept.
        if (this.gone.length > MAX_GONE) this.gone.splice(0, this.gone.length - MAX_GONE);
      });
    });
  }

  /** The named boards that left since the last call. */
  takeGone(): ReportEntry[] {
    const g = this.gone;
    this.gone = [];
    return g;
  }
}

/**
 * On a push node: sends this node's reports to the live node once a second, in messages of at
 * most FLEET_ENTRIES_PER_MESSAGE entries, with the ages of the reports (not their times: the
 * nodes' clocks need not agree to the millisecond). Returns a stop function.
 */
export function forwardReports(nsp: LiveNamespace, reports: FleetReports, node: string): () => void {
  const send = () => {
    const now = Date.now();
    const entries: FleetMessage['entries'] = [];
    for (const e of reports.entries.values()) entries.push([e.id, now - e.at, e.report]);
    const gone = reports.takeGone().map((e): FleetMessage['entries'][number] => [e.id, now - e.at, e.report]);
    for (let i = 0; i === 0 || i < entries.length; i += FLEET_ENTRIES_PER_MESSAGE) {
      nsp.serverSideEmit(CLUSTER_EVENTS.fleet, {
        node,
        entries: entries.slice(i, i + FLEET_ENTRIES_PER_MESSAGE),
        gone: i === 0 ? gone : [],
      });
    }
  };
  const timer = setInterval(send, SCREEN_REPORT_EVERY_MS);
  return () => clearInterval(timer);
}

/** When each seq was first broadcast (the newest RING of them): how long a board's figures have been superseded. */
export class SeqTimes {
  private readonly seqs: number[] = [];
  private readonly times: number[] = [];
  private static readonly RING = 1024;

  note(seq: number, atMs: number): void {
    const last = this.seqs.length > 0 ? this.seqs[this.seqs.length - 1]! : -Infinity;
    if (seq <= last) return;
    this.seqs.push(seq);
    this.times.push(atMs);
    if (this.seqs.length > SeqTimes.RING * 2) {
      this.seqs.splice(0, SeqTimes.RING);
      this.times.splice(0, SeqTimes.RING);
    }
  }

  /** How long ago the first seq after `seq` went out (0: none has); older than the ring: since its oldest. */
  behindMs(seq: number, nowMs: number): number {
    const { seqs, times } = this;
    if (seqs.length === 0 || seq >= seqs[seqs.length - 1]!) return 0;
    let lo = 0;
    let hi = seqs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seqs[mid]! > seq) hi = mid;
      else lo = mid + 1;
    }
    return Math.max(0, nowMs - times[lo]!);
  }
}

/** A remote node's board as the live node last heard of it. */
interface RemoteEntry {
  node: string;
  report: ScreenReport;
  /** When the report arrived at its node, on this node's clock. */
  at: number;
  /** When its node last listed it. */
  seenAt: number;
}

/** A named screen that left: listed as disconnected until it returns or is forgotten. */
interface Departed {
  report: ScreenReport;
  at: number;
}

/** Named screens remembered once gone, and for how long. */
const MAX_DEPARTED = 5000;
const FORGET_DEPARTED_MS = 3_600_000;
/** How long a listing is reused (several consoles, one computation). */
const LISTING_TTL_MS = 250;

/**
 * The whole fleet on the live node: its own boards, every push node's (from their messages), and
 * the named screens that left. A remote board its node stopped listing (the node is gone) counts
 * as disconnected after `silentMs` plus a report period.
 */
export class Fleet {
  private readonly remote = new Map<string, RemoteEntry>();
  private readonly departed = new Map<string, Departed>();
  private cached: { at: number; answer: FleetAnswer } | null = null;
  readonly seqTimes = new SeqTimes();

  constructor(
    private readonly local: FleetReports,
    private readonly thresholds: FleetThresholds,
    private readonly node: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a push node's message (checked: it crossed the network). */
  receive(msg: unknown): void {
    const m = msg as Partial<FleetMessage> | null;
    if (!m || typeof m.node !== 'string' || !Array.isArray(m.entries)) return;
    const t = this.now();
    // Boards their node stopped listing leave the map even while no console looks (bounded by the nodes' boards).
    if (t - this.prunedAt >= SCREEN_REPORT_EVERY_MS) this.prune(t);
    for (const e of m.entries.slice(0, FLEET_ENTRIES_PER_MESSAGE)) {
      if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[1] !== 'number' || !isReport.Check(e[2])) continue;
      this.remote.set(e[0], { node: m.node, report: e[2], at: t - Math.max(0, e[1]), seenAt: t });
    }
    for (const e of Array.isArray(m.gone) ? m.gone.slice(0, FLEET_ENTRIES_PER_MESSAGE) : []) {
      if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[1] !== 'number' || !isReport.Check(e[2])) continue;
      this.remote.delete(e[0]);
      this.depart(e[2], t - Math.max(0, e[1]));
    }
  }

  private prunedAt = 0;

  /** Moves the boards that left (locally, or their node stopped listing them) to the departed. */
  private prune(now: number): void {
    this.prunedAt = now;
    for (const e of this.local.takeGone()) this.depart(e.report, e.at);
    const expiry = this.thresholds.silentMs + SCREEN_REPORT_EVERY_MS;
    for (const [id, e] of this.remote) {
      if (now - e.seenAt <= expiry) continue;
      this.remote.delete(id);
      this.depart(e.report, e.at);
    }
  }

  private depart(report: ScreenReport, at: number): void {
    if (report.screen === '') return;
    this.departed.delete(report.screen);
    this.departed.set(report.screen, { report, at });
    if (this.departed.size > MAX_DEPARTED) this.departed.delete(this.departed.keys().next().value!);
  }

  /** Every screen with its flags, flagged first, at most MAX_FLEET_LISTED. */
  list(): FleetAnswer {
    const now = this.now();
    if (this.cached && now - this.cached.at < LISTING_TTL_MS) return this.cached.answer;
    this.prune(now);
    const screens: ScreenStatus[] = [];
    const connectedNames = new Set<string>();
    const add = (id: string, node: string, report: ScreenReport, at: number) => {
      const base = {
        connected: true,
        reportAgeMs: Math.max(0, now - at),
        behindMs: this.seqTimes.behindMs(report.seq, now),
        report,
      };
      if (report.screen !== '') connectedNames.add(report.screen);
      screens.push({
        name: screenName(report, id),
        named: report.screen !== '',
        node,
        ...base,
        flags: screenFlags(base, this.thresholds),
      });
    };
    for (const e of this.local.entries.values()) add(e.id, this.node, e.report, e.at);
    for (const [id, e] of this.remote) add(id, e.node, e.report, e.at);
    for (const [name, d] of this.departed) {
      if (now - d.at > FORGET_DEPARTED_MS) {
        this.departed.delete(name);
        continue;
      }
      if (connectedNames.has(name)) {
        this.departed.delete(name);
        continue;
      }
      screens.push({
        name,
        named: true,
        node: '',
        connected: false,
        reportAgeMs: Math.max(0, now - d.at),
        behindMs: 0,
        report: d.report,
        flags: ['disconnected'],
      });
    }
    const flaggedFirst = (s: ScreenStatus) => (s.flags.length > 0 ? 0 : 1);
    screens.sort((a, b) => flaggedFirst(a) - flaggedFirst(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const flagged = screens.filter((s) => s.flags.length > 0).length;
    const answer: FleetAnswer = {
      atMs: now,
      screens: screens.slice(0, MAX_FLEET_LISTED),
      total: screens.length,
      flagged,
      thresholds: this.thresholds,
    };
    this.cached = { at: now, answer };
    return answer;
  }
}
