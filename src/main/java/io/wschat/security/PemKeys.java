package io.wschat.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the public keys of {@code wschat.tokenPublicKey}: a PEM file with one or more
 * {@code PUBLIC KEY} (as {@code openssl pkey -pubout} writes) or {@code CERTIFICATE} blocks, RSA or EC.
 * Several blocks let a web application rotate its signing key: tokens signed by any of them pass.
 *
 * <p>Decoding is the JDK's own ({@link KeyFactory}, {@link CertificateFactory}); this only finds the blocks.
 */
final class PemKeys {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    private PemKeys() {
    }

    static List<PublicKey> read(Path file) throws IOException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        List<PublicKey> keys = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            try {
                switch (m.group(1)) {
                    case "PUBLIC KEY" -> keys.add(publicKey(der));
                    case "CERTIFICATE" -> keys.add(CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(der)).getPublicKey());
                    case "RSA PUBLIC KEY" -> throw new IllegalArgumentException(file + ": a PKCS#1 'RSA PUBLIC KEY';"
                            + " convert it with 'openssl rsa -RSAPublicKey_in -in FILE -pubout'");
                    default -> throw new IllegalArgumentException(file + ": a '" + m.group(1) + "' block;"
                            + " only PUBLIC KEY and CERTIFICATE blocks belong here (never a private key)");
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(file + ": cannot read a " + m.group(1) + " block: " + e.getMessage(), e);
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no PEM 'PUBLIC KEY' or 'CERTIFICATE' block");
        }
        return keys;
    }

    private static PublicKey publicKey(byte[] der) throws GeneralSecurityException {
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        try {
            return KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (GeneralSecurityException notRsa) {
            return KeyFactory.getInstance("EC").generatePublic(spec);
        }
    }
}
