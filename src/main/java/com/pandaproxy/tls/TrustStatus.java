package com.pandaproxy.tls;

/**
 * What the proxy knows of the printer's certificate, for the status board and Home Assistant.
 * Certificates are public: fingerprints and CNs may be shown anywhere.
 *
 * @param state     verified, pinned, changed...
 * @param sha256    the trusted certificate's SHA-256 fingerprint ({@code AB:CD:...}), or null
 * @param cn        the trusted certificate's CN (a BambuLab printer's serial), or null
 * @param newSha256 while {@link CertificateState#CHANGED} or {@link CertificateState#REFUSED}: the
 *                  fingerprint of the certificate refused, else null
 * @param newCn     the refused certificate's CN, or null
 */
public record TrustStatus(CertificateState state, String sha256, String cn, String newSha256, String newCn) {
    public static final TrustStatus OFF = new TrustStatus(CertificateState.OFF, null, null, null, null);
    public static final TrustStatus UNKNOWN = new TrustStatus(CertificateState.UNKNOWN, null, null, null, null);
}
