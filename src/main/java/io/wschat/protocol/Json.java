package io.wschat.protocol;

import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonReaderFactory;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGeneratorFactory;
import java.util.Map;

/** JSON-P factories, looked up once: {@code jakarta.json.Json}'s static methods search for a provider per call. */
public final class Json {

    public static final JsonProvider PROVIDER = JsonProvider.provider();
    public static final JsonReaderFactory READERS = PROVIDER.createReaderFactory(Map.of());
    public static final JsonGeneratorFactory GENERATORS = PROVIDER.createGeneratorFactory(Map.of());
    public static final JsonBuilderFactory BUILDERS = PROVIDER.createBuilderFactory(Map.of());

    private Json() {
    }
}
