package io.eksscheduler.sandbox.controlplane;

import io.eksscheduler.sandbox.SandboxLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of each sandbox process. Flags follow kwokctl's binary runtime and envtest, with
 * the differences the sandbox needs: every admission plugin left on (no admission flag), an audit
 * log, webhook calls routed to Service endpoints through the simulated VPC.
 */
public record ComponentCommands(SandboxLayout layout, Ports ports, ControlPlaneBinaries binaries) {

  /** The simulated VPC address KWOK gives a node that lacks the internal-ip annotation. */
  public static final String DEFAULT_NODE_IP = "10.0.255.254";

  /** EKS's default service range; 10.100.0.10 is CoreDNS's ClusterIP there too. */
  public static final String SERVICE_CIDR = "10.100.0.0/16";

  public List<String> etcd() {
    return List.of(
        binaries.path("etcd").toString(),
        "--name=eks-sandbox",
        "--data-dir=" + layout.etcdData(),
        "--listen-client-urls=" + ports.etcdUrl(),
        "--advertise-client-urls=" + ports.etcdUrl(),
        "--listen-peer-urls=http://127.0.0.1:" + ports.etcdPeer(),
        "--initial-advertise-peer-urls=http://127.0.0.1:" + ports.etcdPeer(),
        "--initial-cluster=eks-sandbox=http://127.0.0.1:" + ports.etcdPeer(),
        "--auto-compaction-mode=periodic",
        "--auto-compaction-retention=5m",
        "--quota-backend-bytes=8589934592",
        // The data is thrown away at `down`; fsync only costs start time.
        "--unsafe-no-fsync=true",
        "--log-level=warn");
  }

  public List<String> apiServer() {
    Path pki = layout.pki();
    return List.of(
        binaries.path("kube-apiserver").toString(),
        "--etcd-servers=" + ports.etcdUrl(),
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        "--secure-port=" + ports.apiServer(),
        "--tls-cert-file=" + pki.resolve("apiserver.crt"),
        "--tls-private-key-file=" + pki.resolve("apiserver.key"),
        "--client-ca-file=" + pki.resolve("ca.crt"),
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file=" + pki.resolve("sa.pub"),
        "--service-account-signing-key-file=" + pki.resolve("sa.key"),
        "--service-cluster-ip-range=" + SERVICE_CIDR,
        "--authorization-mode=Node,RBAC",
        "--allow-privileged=true",
        // Webhook calls go to a Service's endpoint (a pod), not its ClusterIP: no kube-proxy runs.
        "--enable-aggregator-routing=true",
        // ...and reach that pod IP through the simulated VPC (see ConnectProxy).
        "--egress-selector-config-file=" + layout.config("egress-selector.yaml"),
        "--audit-policy-file=" + layout.config("audit-policy.yaml"),
        "--audit-log-path=" + layout.auditLog(),
        "--audit-log-maxsize=0",
        // The API server's own "kubernetes" Endpoints would hold 127.0.0.1, which validation
        // refuses.
        "--endpoint-reconciler-type=none",
        // EKS tokens (aws eks get-token) are checked by the AWS simulator, as
        // aws-iam-authenticator does on EKS.
        "--authentication-token-webhook-config-file=" + layout.tokenWebhookConfig(),
        "--authentication-token-webhook-version=v1",
        "--authentication-token-webhook-cache-ttl=10s",
        // API Priority and Fairness shares these 200 seats (default 600) among the priority
        // levels: every suggested level keeps tens of seats (requests beyond them queue), and a
        // level of share 1, as tests create to throttle a user (KubernetesThrottle), gets one.
        "--max-requests-inflight=150",
        "--max-mutating-requests-inflight=50",
        "--profiling=false",
        "--v=1");
  }

  public List<String> controllerManager() {
    Path pki = layout.pki();
    String kubeconfig = layout.componentKubeconfig("kube-controller-manager").toString();
    return List.of(
        binaries.path("kube-controller-manager").toString(),
        "--kubeconfig=" + kubeconfig,
        "--authentication-kubeconfig=" + kubeconfig,
        "--authorization-kubeconfig=" + kubeconfig,
        "--bind-address=127.0.0.1",
        "--secure-port=" + ports.controllerManager(),
        "--controllers=*",
        "--use-service-account-credentials=true",
        "--service-account-private-key-file=" + pki.resolve("sa.key"),
        "--root-ca-file=" + pki.resolve("ca.crt"),
        "--cluster-signing-cert-file=" + pki.resolve("ca.crt"),
        "--cluster-signing-key-file=" + pki.resolve("ca.key"),
        "--leader-elect=false",
        "--kube-api-qps=300",
        "--kube-api-burst=600",
        "--concurrent-deployment-syncs=10",
        "--concurrent-replicaset-syncs=10",
        "--concurrent-statefulset-syncs=10",
        // KWOK renews node Leases every 10 s (lease 40 s); a node is NotReady 40 s after it stops.
        "--node-monitor-period=5s",
        "--node-monitor-grace-period=40s",
        "--v=1");
  }

  public List<String> scheduler() {
    String kubeconfig = layout.componentKubeconfig("kube-scheduler").toString();
    return List.of(
        binaries.path("kube-scheduler").toString(),
        "--config=" + layout.config("kube-scheduler.yaml"),
        "--authentication-kubeconfig=" + kubeconfig,
        "--authorization-kubeconfig=" + kubeconfig,
        "--bind-address=127.0.0.1",
        "--secure-port=" + ports.scheduler(),
        "--v=1");
  }

  public List<String> kwok() {
    return List.of(
        binaries.path("kwok").toString(),
        "--kubeconfig=" + layout.componentKubeconfig("kwok"),
        "--config=" + layout.config("kwok-stages.yaml"),
        "--manage-all-nodes=false",
        "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
        "--node-ip=" + DEFAULT_NODE_IP,
        "--node-port=" + ports.kwok(),
        "--server-address=127.0.0.1:" + ports.kwok(),
        "--cidr=10.244.0.0/16",
        "--node-lease-duration-seconds=40");
  }

  /**
   * The AWS simulator (EKS, Auto Scaling, EC2, STS, Price List), a JVM running this jar's {@code
   * SimulatorMain}.
   */
  public List<String> awsSimulator(String javaExecutable, String classPath) {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable);
    command.addAll(List.of("-Xmx128m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(List.of("-cp", classPath, "io.eksscheduler.sandbox.aws.SimulatorMain"));
    command.addAll(List.of("--dir", layout.dir().toString()));
    return command;
  }

  /** The webhook server and VPC proxy, a JVM running this jar's {@code NetworkMain}. */
  public List<String> network(String javaExecutable, String classPath) {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable);
    // Small and quick to start: it answers a few admission calls per second at most.
    command.addAll(List.of("-Xmx64m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(List.of("-cp", classPath, "io.eksscheduler.sandbox.network.NetworkMain"));
    command.addAll(
        List.of(
            "--dir", layout.dir().toString(),
            "--webhook-port", Integer.toString(ports.webhook()),
            "--proxy-socket", layout.proxySocket().toString(),
            "--allow-port", Integer.toString(ports.kwok())));
    return command;
  }
}
