/** The rule expression behind the sample, without its threshold: restarts of the demo pod over 10 minutes. */
export const CRASHLOOP_RESTARTS = 'increase(kube_pod_container_status_restarts_total{namespace="shop",pod="cart-7d9f8b6c5-x2k4p"}[10m])';

/** An hour of that metric ending now: quiet, then climbing as the pod starts crash-looping. */
export function crashloopRestartSeries(now = Date.now()) {
  const end = Math.floor(now / 1000);
  const values = Array.from({ length: 121 }, (_, i) => {
    const t = end - 3600 + i * 30;
    const restarts = i < 70 ? 0 : Math.min(14, (i - 70) * 0.35);
    return [t, restarts.toFixed(2)] as [number, string];
  });
  return { query: CRASHLOOP_RESTARTS, result: [{ metric: { namespace: 'shop', pod: 'cart-7d9f8b6c5-x2k4p', container: 'cart' }, values }] };
}

/** Sample alerts for the sandbox and `npm run alert`, matching the demo workload in sandbox/kubernetes/demo-world.ts. */
export const samples = {
  crashloop: {
    description: 'KubePodCrashLooping for shop/cart (the demo pod in CrashLoopBackOff)',
    labels: {
      alertname: 'KubePodCrashLooping', severity: 'critical', namespace: 'shop', pod: 'cart-7d9f8b6c5-x2k4p',
      container: 'cart', job: 'kube-state-metrics', reason: 'CrashLoopBackOff',
    },
    annotations: {
      summary: 'Pod shop/cart-7d9f8b6c5-x2k4p is crash looping.',
      description: 'Pod shop/cart-7d9f8b6c5-x2k4p (cart) is in waiting state (reason: "CrashLoopBackOff") for more than 15 minutes.',
      runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping',
    },
  },
} as const;

export type SampleName = keyof typeof samples;

/** An Alertmanager v4 webhook body for a sample; a new `startsAt` makes each call a new firing. */
export function sampleWebhook(name: SampleName, { status = 'firing', startsAt = new Date() }: { status?: 'firing' | 'resolved'; startsAt?: Date } = {}) {
  const sample = samples[name];
  const at = new Date(Math.floor(startsAt.getTime() / 1000) * 1000).toISOString();
  return {
    version: '4',
    groupKey: `{}:{alertname="${sample.labels.alertname}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'lookout',
    groupLabels: { alertname: sample.labels.alertname },
    commonLabels: sample.labels,
    commonAnnotations: sample.annotations,
    externalURL: 'http://alertmanager.sandbox:9093',
    alerts: [{
      status,
      labels: sample.labels,
      annotations: sample.annotations,
      startsAt: at,
      endsAt: status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
      generatorURL: `http://prometheus.sandbox:9090/graph?g0.expr=${encodeURIComponent(`${CRASHLOOP_RESTARTS} > 3`)}&g0.tab=1`,
      fingerprint: 'c0ffee5a11ce0001',
    }],
  };
}
