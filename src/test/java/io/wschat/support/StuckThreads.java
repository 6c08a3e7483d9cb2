package io.wschat.support;

import java.io.IOException;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The server's threads that are blocked on a monitor, or waiting with wschat's code on their stack, one
 * short entry each: for the message of a test that timed out waiting for the server, where a connection
 * that never leaves the registry means a thread that never came back. Idle pool threads (waiting with
 * no wschat frame) are left out, unless (in another JVM's dump) they hold a monitor a stuck thread waits
 * for: a Tyrus reader parked on a latch while holding the connection's read lock looks idle otherwise.
 */
final class StuckThreads {

    private static final String OURS = "io.wschat.";
    private static final int FRAMES = 6;
    private static final int HOLDER_FRAMES = 30;

    private StuckThreads() {
    }

    /** Of this JVM (the embedded Tomcat runs in the test's own process). */
    static String ofThisJvm() {
        List<String> out = new ArrayList<>();
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, false)) {
            StackTraceElement[] stack = t.getStackTrace();
            if (!stuck(t.getThreadState(), Arrays.stream(stack).anyMatch(f -> f.getClassName().startsWith(OURS)))) {
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
        Path dump = null;
        try {
            dump = Files.createTempFile("wschat-threads", ".txt");
            Process p = new ProcessBuilder(jstack.toString(), Long.toString(pid)).redirectErrorStream(true)
                    .redirectOutput(dump.toFile()).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "(jstack did not finish)";
            }
            return parse(Files.readString(dump));
        } catch (IOException e) {
            return "(no thread dump: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(no thread dump: interrupted)";
        } finally {
            if (dump != null) {
                dump.toFile().delete();
            }
        }
    }

    /**
     * Picks the stuck threads out of a {@code jstack} dump, and the threads holding the monitors they
     * wait for, with more of their stack, whatever those holders are doing; a deadlock jstack found is
     * named first.
     */
    static String parse(String dump) {
        List<String> out = new ArrayList<>();
        if (dump.contains("Java-level deadlock")) {
            out.add("JAVA-LEVEL DEADLOCK");
        }
        List<String[]> threads = new ArrayList<>();
        for (String block : dump.split("\n\n")) {
            String[] lines = block.strip().split("\n");
            if (lines.length >= 2 && lines[0].startsWith("\"") && lines[1].contains("java.lang.Thread.State:")) {
                threads.add(lines);
            }
        }
        Set<String> awaited = new HashSet<>();
        for (String[] lines : threads) {
            for (String line : lines) {
                if (line.strip().startsWith("- waiting to lock <")) {
                    awaited.add(monitor(line));
                }
            }
        }
        for (String[] lines : threads) {
            String state = lines[1].substring(lines[1].indexOf(':') + 1).strip();
            boolean holder = Arrays.stream(lines)
                    .anyMatch(l -> l.strip().startsWith("- locked <") && awaited.contains(monitor(l)));
            boolean ours = Arrays.stream(lines).anyMatch(l -> l.strip().startsWith("at " + OURS));
            if (!holder && !stuck(Thread.State.valueOf(state.split(" ")[0]), ours)) {
                continue;
            }
            String name = lines[0].substring(0, lines[0].indexOf('"', 1) + 1);
            int limit = holder ? HOLDER_FRAMES : FRAMES + 2;
            List<String> frames = new ArrayList<>();
            for (int i = 2; i < lines.length && frames.size() < limit; i++) {
                String line = lines[i].strip();
                if (line.startsWith("at ") || line.startsWith("- waiting") || line.startsWith("- parking")
                        || line.startsWith("- locked")) {
                    frames.add(line);
                }
            }
            out.add(name + (holder ? " (holds a monitor others wait for) " : " ") + state + ": "
                    + String.join(" < ", frames));
        }
        return summary(out);
    }

    /** The monitor's address in a {@code - locked <0x...>} or {@code - waiting to lock <0x...>} line. */
    private static String monitor(String line) {
        return line.substring(line.indexOf('<') + 1, line.indexOf('>'));
    }

    /** Blocked on a monitor, or waiting with wschat's code on its stack (not an idle pool thread). */
    private static boolean stuck(Thread.State state, boolean ours) {
        return state == Thread.State.BLOCKED
                || (ours && (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING));
    }

    private static String summary(List<String> threads) {
        return threads.isEmpty() ? "no thread blocked or waiting in wschat's code" : String.join(" | ", threads);
    }
}
