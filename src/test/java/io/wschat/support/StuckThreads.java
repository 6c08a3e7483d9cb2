package io.wschat.support;

import java.io.IOException;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The server's threads that are blocked on a monitor, or waiting with wschat's code on their stack, one
 * short entry each: for the message of a test that timed out waiting for the server, where a connection
 * that never leaves the registry means a thread that never came back. Idle pool threads (waiting with
 * no wschat frame) are left out.
 */
final class StuckThreads {

    private static final String OURS = "io.wschat.";
    private static final int FRAMES = 6;

    private StuckThreads() {
    }

    /** Of this JVM (the embedded Tomcat runs in the test's own process). */
    static String ofThisJvm() {
        ThreadInfo[] threads = ManagementFactory.getThreadMXBean().dumpAllThreads(true, false);
        List<String> out = new ArrayList<>();
        for (ThreadInfo t : threads) {
            StackTraceElement[] stack = t.getStackTrace();
            boolean ours = Arrays.stream(stack).anyMatch(f -> f.getClassName().startsWith(OURS));
            boolean blocked = t.getThreadState() == Thread.State.BLOCKED;
            boolean waiting = t.getThreadState() == Thread.State.WAITING || t.getThreadState() == Thread.State.TIMED_WAITING;
            if (!(blocked || (waiting && ours)) || t.getThreadName().startsWith("main")) {
                continue;
            }
            LockInfo lock = t.getLockInfo();
            String frames = Arrays.stream(stack).limit(FRAMES).map(StackTraceElement::toString)
                    .collect(Collectors.joining(" < "));
            out.add("\"" + t.getThreadName() + "\" " + t.getThreadState()
                    + (lock == null ? "" : " on " + lock + (t.getLockOwnerName() == null ? "" : " held by \"" + t.getLockOwnerName() + "\""))
                    + ": " + frames);
        }
        return summary(out);
    }

    /** Of another JVM (Payara Micro, a stock Tomcat), through {@code jstack}. */
    static String ofProcess(long pid) {
        Path jstack = Path.of(System.getProperty("java.home"), "bin", "jstack");
        try {
            Process p = new ProcessBuilder(jstack.toString(), Long.toString(pid)).redirectErrorStream(true).start();
            byte[] dump = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "(jstack did not finish)";
            }
            return parse(new String(dump, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return "(no thread dump: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(no thread dump: interrupted)";
        }
    }

    /** Picks the stuck threads out of a {@code jstack} dump; a deadlock jstack found is named first. */
    static String parse(String dump) {
        List<String> out = new ArrayList<>();
        if (dump.contains("Found one Java-level deadlock") || dump.contains("Found a total of")) {
            out.add("JAVA-LEVEL DEADLOCK");
        }
        for (String block : dump.split("\n\n")) {
            String[] lines = block.strip().split("\n");
            if (lines.length < 2 || !lines[0].startsWith("\"") || !lines[1].contains("java.lang.Thread.State:")) {
                continue;
            }
            String state = lines[1].substring(lines[1].indexOf(':') + 1).strip();
            boolean ours = block.contains("at " + OURS);
            boolean blocked = state.startsWith("BLOCKED");
            boolean waiting = state.startsWith("WAITING") || state.startsWith("TIMED_WAITING");
            if (!(blocked || (waiting && ours))) {
                continue;
            }
            String name = lines[0].substring(0, lines[0].indexOf('"', 1) + 1);
            List<String> frames = new ArrayList<>();
            for (int i = 2; i < lines.length && frames.size() < FRAMES + 2; i++) {
                String line = lines[i].strip();
                if (line.startsWith("at ") || line.startsWith("- waiting") || line.startsWith("- parking")
                        || line.startsWith("- locked")) {
                    frames.add(line);
                }
            }
            out.add(name + " " + state + ": " + String.join(" < ", frames));
        }
        return summary(out);
    }

    private static String summary(List<String> threads) {
        return threads.isEmpty() ? "no thread blocked or waiting in wschat's code" : String.join(" | ", threads);
    }
}
