package io.wschat.layer.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The layer's Lua scripts (resources next to this class, each prefixed with {@code common.lua}), run
 * by their SHA-1 and sent whole only when Redis does not know them: after a restart or a
 * {@code SCRIPT FLUSH}, Redis's script cache is empty.
 */
final class LuaScripts {

    private final String common = read("common.lua");
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();

    private record Script(String source, String sha) {
    }

    /** Runs a script with no keys declared (the keys derive from the arguments; one Redis, not a cluster). */
    @SuppressWarnings("unchecked")
    <T> T run(RedisCommands<String, String> redis, String name, ScriptOutputType type, String... args) {
        Script script = scripts.computeIfAbsent(name, n -> {
            String source = common + "\n" + read(n + ".lua");
            return new Script(source, sha1(source));
        });
        try {
            return (T) redis.evalsha(script.sha(), type, new String[0], args);
        } catch (RedisNoScriptException e) {
            return (T) redis.eval(script.source(), type, new String[0], args);
        }
    }

    private static String read(String resource) {
        try (InputStream in = LuaScripts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
