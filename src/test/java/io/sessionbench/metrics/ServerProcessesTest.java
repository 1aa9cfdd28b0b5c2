package io.sessionbench.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionbench.infra.HostPort;
import io.sessionbench.infra.LocalStack;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Finding the store's processes on this machine from procfs, and the noise probe counting their CPU as the server's
 * while another busy process stays a disturbance.
 */
class ServerProcessesTest {

    @Test
    void listeningSocketsAreReadFromTheTcpTablesOfProcfs() {
        List<String> tcp = List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000 100 0 0 10 0",
                "   1: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000 20 4 30 10 -1",
                "   2: 00000000:2BCB 00000000:0000 0A 00000000:00000000 00:00000000 00000000   102        0 4444 1 0000 100 0 0 10 0");
        assertThat(ServerProcesses.Procfs.listeningInodes(tcp)).containsExactly(Map.entry(4242L, 8080), Map.entry(4444L, 11211));
    }

    @Test
    void aSocketThisJvmListensOnIsFoundWithThisJvmsPid() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(ServerProcesses.Procfs.listeners()).containsEntry(s.getLocalPort(), ProcessHandle.current().pid());
        }
    }

    @Test
    void targetsOnThisMachineGetTheirListenersAndRemoteOnesAreLeftAlone() {
        ServerProcesses p = ServerProcesses.withTargets(List.of(),
                Map.of(LocalStack.Server.REDIS, List.of(new HostPort("127.0.0.1", 7000), new HostPort("localhost", 7001),
                        new HostPort("192.0.2.10", 7002), new HostPort("127.0.0.1", 7003))),
                Map.of(7000, 101L, 7001, 102L, 7002, 103L));
        assertThat(p.targetPids()).containsExactly(101L, 102L);
        assertThat(p.property()).isEqualTo("redis=101,redis=102");
        assertThat(p.notFound()).containsExactly("redis 127.0.0.1:7003");
        assertThat(p.describeTargets()).startsWith("target on this machine (redis pids 101, 102), sharing its cores with the client")
                .contains("no listening process found for redis 127.0.0.1:7003");
        assertThat(ServerProcesses.withTargets(List.of(), Map.of(LocalStack.Server.POSTGRES, List.of(new HostPort("192.0.2.10", 5432))),
                Map.of(5432, 7L)).describeTargets()).isEmpty();
    }

    @Test
    void thisMachineIsLoopbackTheWildcardOrOneOfItsInterfaces() throws Exception {
        assertThat(ServerProcesses.onThisMachine("127.0.0.1")).isTrue();
        assertThat(ServerProcesses.onThisMachine("localhost")).isTrue();
        assertThat(ServerProcesses.onThisMachine("[::1]")).isTrue();
        assertThat(ServerProcesses.onThisMachine("0.0.0.0")).isTrue();
        assertThat(ServerProcesses.onThisMachine("192.0.2.10")).as("TEST-NET-1, never assigned").isFalse();
        var addresses = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream()).filter(a -> !a.isLoopbackAddress()).toList();
        for (InetAddress a : addresses) {
            assertThat(ServerProcesses.onThisMachine(a.getHostAddress().replaceAll("%.*", ""))).as(a.toString()).isTrue();
        }
    }

    /**
     * A busy process named as the server is counted in the server's CPU and never as the busiest other process; the
     * same process, not named, is the disturbance it is.
     */
    @Test
    void theServersCpuIsTheServersAndAnUnnamedBusyProcessIsOther() throws Exception {
        Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try {
            NoiseProbe named = new NoiseProbe("redis=" + busy.pid(), "REDIS");
            NoiseProbe unnamed = new NoiseProbe("", "REDIS");
            named.begin();
            unnamed.begin();
            long start = NoiseProbe.processTicks(busy.pid());
            while (NoiseProbe.processTicks(busy.pid()) - start < 20) {
                Thread.onSpinWait(); // until the busy process has used 0.2 s of CPU
            }
            Map<String, Double> a = named.end();
            unnamed.end();
            assertThat(a.get("serverCpu")).isPositive();
            assertThat(named.topOther()).doesNotStartWith("sh ");
            assertThat(unnamed.topOther()).startsWith("sh ");
        } finally {
            busy.destroyForcibly();
        }
    }
}
