/** A kubeconfig that points the real client at the test server. */
import { writeFileSync } from 'node:fs';

export const SANDBOX_NAME = 'lookout-sandbox';

/**
 * YAML for one cluster/context/user named lookout-sandbox. `insecure-skip-tls-verify` is set because
 * @kubernetes/client-node 1.x refuses a plain-http server without it.
 */
export function kubeconfigYaml(server: string, token?: string): string {
  const user = token ? `\n    token: ${JSON.stringify(token)}` : ' {}';
  return `apiVersion: v1
kind: Config
clusters:
  - name: ${SANDBOX_NAME}
    cluster:
      server: ${JSON.stringify(server)}
      insecure-skip-tls-verify: true
contexts:
  - name: ${SANDBOX_NAME}
    context:
      cluster: ${SANDBOX_NAME}
      user: ${SANDBOX_NAME}
      namespace: default
current-context: ${SANDBOX_NAME}
users:
  - name: ${SANDBOX_NAME}
    user:${user.replace(/\n {4}/, '\n      ')}
preferences: {}
`;
}

export function writeKubeconfig(file: string, server: string, token?: string): void {
  // The file may carry a token, so only its owner may read it.
  writeFileSync(file, kubeconfigYaml(server, token), { mode: 0o600 });
}
