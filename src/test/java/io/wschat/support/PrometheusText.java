package io.wschat.support;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4): every line must be a comment,
 * {@code # HELP}, {@code # TYPE} or a sample, and every sample must belong to a family declared by a
 * {@code # TYPE} line before it. Anything else fails the test that reads it.
 */
public final class PrometheusText {

    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
    private static final Pattern SAMPLE = Pattern.compile(
            "(" + NAME + ")(\\{(.*)\\})? (NaN|[+-]Inf|[+-]?[0-9]+(\\.[0-9]*)?([eE][+-]?[0-9]+)?)( -?[0-9]+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");

    private final Map<String, String> types = new HashMap<>();
    private final Map<String, Double> samples = new LinkedHashMap<>();

    private PrometheusText() {
    }

    public static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            Matcher m;
            if ((m = TYPE.matcher(line)).matches()) {
                if (p.types.put(m.group(1), m.group(2)) != null) {
                    throw new AssertionError("line " + n + ": second TYPE for " + m.group(1));
                }
            } else if (HELP.matcher(line).matches() || (line.startsWith("#") && !line.startsWith("# TYPE") && !line.startsWith("# HELP"))) {
                continue;
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                String name = m.group(1);
                if (p.familyOf(name) == null) {
                    throw new AssertionError("line " + n + ": sample of an undeclared family: " + line);
                }
                Map<String, String> labels = new TreeMap<>();
                String raw = m.group(3) == null ? "" : m.group(3);
                Matcher l = LABEL.matcher(raw);
                int at = 0;
                while (at < raw.length()) {
                    if (!l.find(at) || l.start() != at) {
                        throw new AssertionError("line " + n + ": bad labels: " + line);
                    }
                    labels.put(l.group(1), l.group(2));
                    at = l.end();
                }
                String value = m.group(4);
                double v = value.equals("NaN") ? Double.NaN : value.endsWith("Inf")
                        ? (value.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY) : Double.parseDouble(value);
                if (p.samples.put(key(name, labels), v) != null) {
                    throw new AssertionError("line " + n + ": duplicate sample " + line);
                }
            } else {
                throw new AssertionError("line " + n + " is not Prometheus text: " + line);
            }
        }
        return p;
    }

    private String familyOf(String sample) {
        for (String suffix : new String[] {"", "_total", "_count", "_sum", "_bucket", "_created"}) {
            if (sample.endsWith(suffix) && types.containsKey(sample.substring(0, sample.length() - suffix.length()))) {
                return sample.substring(0, sample.length() - suffix.length());
            }
        }
        return null;
    }

    private static String key(String name, Map<String, String> labels) {
        return labels.isEmpty() ? name : name + labels;
    }

    public boolean hasFamily(String name) {
        return types.containsKey(name);
    }

    public String type(String family) {
        return types.get(family);
    }

    /** A sample's value (labels as name, value, name, value); fails if there is no such sample. */
    public double value(String name, String... labels) {
        Map<String, String> l = new TreeMap<>();
        for (int i = 0; i + 1 < labels.length; i += 2) {
            l.put(labels[i], labels[i + 1]);
        }
        Double v = samples.get(key(name, l));
        if (v == null) {
            throw new AssertionError("no sample " + key(name, l) + " among " + samples.keySet());
        }
        return v;
    }

    /** A sample's value, 0 if absent (a labelled counter that has not been created yet). */
    public double valueOrZero(String name, String... labels) {
        try {
            return value(name, labels);
        } catch (AssertionError e) {
            return 0;
        }
    }

    public int size() {
        return samples.size();
    }
}
