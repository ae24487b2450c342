import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../core/config.js';
import { demoWorld } from './kubernetes/demo-world.js';
import { KubernetesTestServer } from './kubernetes/server.js';
import { PrometheusTestServer } from './prometheus/server.js';
import { crashloopRestartSeries, sampleWebhook } from './samples.js';
import { SlackEmulator } from './slack/emulator.js';

export const SANDBOX_BANNER = ':test_tube: Lookout sandbox: a local Slack and a demo cluster; nothing here reaches a real workspace or cluster.';

export interface Sandbox {
  slack: SlackEmulator;
  kubernetes?: KubernetesTestServer;
  /** The configuration the app runs with: the same settings a real workspace would use, pointing at local servers. */
  config: Config;
  /** Called once the app listens: lets the emulator deliver signed requests and fire sample alerts to it. */
  connect(appUrl: string): void;
  stop(): Promise<void>;
}

/**
 * Sandbox mode: a local Slack that speaks the Web API, a Kubernetes API seeded with a crash-looping demo workload and
 * a Prometheus API holding its restart metric.
 * The app is configured exactly as for a real workspace (bot token, signing secret, API URL, kubeconfig).
 */
export async function startSandbox(config: Config, { slackPort = config.port + 1 } = {}): Promise<Sandbox> {
  const signingSecret = randomBytes(16).toString('hex');
  const botToken = `xoxb-sandbox-${randomBytes(12).toString('hex')}`;
  let appUrl: string | undefined;
  let kubernetes: KubernetesTestServer | undefined;
  let prometheus: PrometheusTestServer | undefined;

  const fireSample = async () => {
    kubernetes?.load(demoWorld());
    prometheus?.addSeries(crashloopRestartSeries());
    if (!appUrl) throw new Error('Lookout is not listening yet');
    const res = await fetch(`${appUrl}/alerts/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(config.alertWebhookToken ? { authorization: `Bearer ${config.alertWebhookToken}` } : {}) },
      body: JSON.stringify(sampleWebhook('crashloop')),
    });
    return `${res.status} ${await res.text()}`;
  };

  const slack = new SlackEmulator({
    port: slackPort, signingSecret, botToken, banner: SANDBOX_BANNER,
    controls: [{ id: 'fire-sample', label: 'Fire sample alert', run: fireSample }],
  });
  await slack.start();

  let kubeconfig = config.kubeconfig;
  if (!kubeconfig) {
    kubernetes = new KubernetesTestServer({ world: demoWorld(), token: randomBytes(12).toString('hex') });
    await kubernetes.start();
    kubeconfig = path.join(config.dataDir, 'sandbox', 'kubeconfig');
    fs.mkdirSync(path.dirname(kubeconfig), { recursive: true });
    kubernetes.writeKubeconfig(kubeconfig);
  }

  let prometheusUrl = config.prometheusUrl;
  if (!prometheusUrl) {
    prometheus = new PrometheusTestServer({ series: [crashloopRestartSeries()] });
    await prometheus.start();
    prometheusUrl = prometheus.url;
  }

  return {
    slack,
    kubernetes,
    config: {
      ...config,
      slack: { ...config.slack, signingSecret, botToken, apiUrl: slack.apiUrl },
      alertsChannel: config.alertsChannel ?? 'C0ALERTS',
      approveAnyone: config.approvers.length === 0,
      sandbox: true,
      kubeconfig,
      prometheusUrl,
      banner: config.banner ?? SANDBOX_BANNER,
    },
    connect(url) {
      appUrl = url;
      slack.setAppUrl(url);
    },
    async stop() {
      await slack.stop();
      await kubernetes?.stop();
      await prometheus?.stop();
    },
  };
}
