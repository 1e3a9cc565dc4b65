// Test helpers of @rampart/kubernetes: a loopback API server and a kubeconfig writer.
export { FakeKubeApiServer, type FakeKubeApiServerOptions, type RecordedKubeRequest } from './fake-kube-api-server.js';
export { makePod, type FakePodContainerSpec, type FakePodSpec } from './fake-pod.js';
export { parseLabelSelector, LabelSelectorError, type LabelMatcher } from './label-selector.js';
export { writeKubeconfig, type WriteKubeconfigOptions } from './write-kubeconfig.js';
