package io.wschat.layer;

/**
 * One connection as presence knows it.
 *
 * @param connectionId unique on this server (the layer makes it unique across servers)
 * @param name         the name it goes by, or asks for when joining
 * @param person       who is behind it: the same person under the same name in several connections
 *                     (tabs) is one member; another person asking for a taken name gets a suffix
 */
public record Member(String connectionId, String name, String person) {
}
