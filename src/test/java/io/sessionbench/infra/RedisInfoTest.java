package io.sessionbench.infra;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedisInfoTest {
    @Test
    void theVersionIsReadFromItsOwnLineOfAnInfoReply() {
        String info = "# Server\r\nredis_git_sha1:00000000\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n";
        assertThat(RedisInfo.version(info)).isEqualTo("7.0.15");
        assertThat(RedisInfo.field(info, "redis_mode")).contains("standalone");
        assertThat(RedisInfo.version("redis_version:6.2.1")).as("first line, no line end").isEqualTo("6.2.1");
        assertThat(RedisInfo.version("# Server\r\nvalkey_version:8.0.1\r\n")).isEqualTo("unknown");
        assertThat(RedisInfo.field("xredis_version:1\r\n", "redis_version")).as("only a whole field name").isEmpty();
    }
}
