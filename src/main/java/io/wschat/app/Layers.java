package io.wschat.app;

import io.wschat.config.Settings;
import io.wschat.layer.ChannelLayer;
import io.wschat.layer.InMemoryChannelLayer;

/** Creates the channel layer the settings ask for. */
final class Layers {

    private Layers() {
    }

    static ChannelLayer create(Settings settings) {
        return switch (settings.layer()) {
            case MEMORY -> new InMemoryChannelLayer(settings.historySize(), settings.maxRecover(),
                    settings.historyTtlSeconds(), settings.maxIdleRooms(), settings.dedupSeconds(),
                    settings.presenceListLimit(), System::nanoTime);
            // Named here only: in memory mode no class of the Redis client is ever loaded.
            case REDIS -> new io.wschat.layer.redis.RedisChannelLayer(settings.redisUrl(), settings.historySize(),
                    settings.maxRecover(), settings.historyTtlSeconds(), settings.presenceTtlSeconds(),
                    settings.dedupSeconds(), settings.presenceListLimit(), settings.redisTimeoutMillis());
        };
    }
}
