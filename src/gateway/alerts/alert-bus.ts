import type { Logger } from 'pino';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import type { EventHub } from './event-hub.ts';
import type { WebhookSender } from './webhook-sender.ts';

/** How bad an alert is. */
export type AlertSeverity = 'info' | 'warning' | 'critical';

/** An alert as delivered to the log, the SSE stream and the webhook. */
export interface Alert {
  /** Stable SCREAMING_SNAKE code, e.g. `DAILY_LOSS_LIMIT`, `UNPROTECTED_POSITION`, `RECONCILIATION_MISMATCH`. */
  readonly code: string;
  readonly severity: AlertSeverity;
  readonly message: string;
  /** Epoch ms when the condition happened (a breaker trip's time). */
  readonly detectedAt: number;
  /** Epoch ms when the alert was raised. */
  readonly raisedAt: number;
  /** raisedAt − detectedAt, in milliseconds. */
  readonly latencyMs: number;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Raises alerts to the log, the event stream and (in the background) the webhook. */
export class AlertBus {
  readonly #log: Logger;
  readonly #hub: EventHub;
  readonly #metrics: GatewayMetrics;
  readonly #webhook: WebhookSender | undefined;
  readonly recent: Alert[] = [];

  constructor(log: Logger, hub: EventHub, metrics: GatewayMetrics, webhook: WebhookSender | undefined) {
    this.#log = log;
    this.#hub = hub;
    this.#metrics = metrics;
    this.#webhook = webhook;
  }

  /** Raises an alert; never throws and never waits for delivery. */
  raise(input: {
    code: string;
    severity: AlertSeverity;
    message: string;
    detectedAt?: number;
    data?: Record<string, unknown>;
  }): Alert {
    const raisedAt = Date.now();
    const detectedAt = input.detectedAt ?? raisedAt;
    const alert: Alert = {
      code: input.code,
      severity: input.severity,
      message: input.message,
      detectedAt,
      raisedAt,
      latencyMs: Math.max(0, raisedAt - detectedAt),
      data: input.data ?? {},
    };
    this.recent.push(alert);
    if (this.recent.length > 100) this.recent.shift();
    this.#metrics.alerts.inc({ code: alert.code, severity: alert.severity });
    this.#metrics.alertLatency.observe(alert.latencyMs / 1000);
    const level = alert.severity === 'critical' ? 'error' : alert.severity === 'warning' ? 'warn' : 'info';
    this.#log[level]({ alert }, `ALERT ${alert.code}: ${alert.message}`);
    this.#hub.publish('alert', alert, raisedAt);
    this.#webhook?.send({ type: 'riskgate.alert', alert });
    return alert;
  }
}
