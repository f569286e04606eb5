package com.pandaproxy.tls;

import com.pandaproxy.tls.PinStore.Pin;
import com.pandaproxy.tls.PrinterCa.Verdict;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether the certificate presented at the printer's address is the printer's, during the
 * TLS handshake and so before any access code is sent ({@code --printer-trust}):
 * <ul>
 * <li>{@link TrustMode#BAMBU}: the chain must lead to a BambuLab printer CA and name the printer's
 *     serial when it is known (given, or learned from an earlier verified certificate). An expired
 *     certificate is accepted, with a warning, only when it is the one pinned.</li>
 * <li>{@link TrustMode#PIN}: the first certificate seen is pinned in the data dir; later ones must
 *     be the same.</li>
 * <li>{@link TrustMode#AUTO}: the first certificate is pinned, verified when it verifies (its CN,
 *     the serial, is then learned), with a warning saying why when it does not. Later, only the
 *     pinned certificate is accepted, or, when the pinned one was verified, a new one verified for
 *     the same serial (a renewal, logged).</li>
 * <li>{@link TrustMode#OFF}: anything, with a warning at start.</li>
 * </ul>
 * Any other certificate is refused, and while it is {@link CertificateState#CHANGED} the proxy
 * does not connect to the printer ({@link #mayConnect()}) until the user trusts the new certificate
 * ({@link #trustNewCertificate()}), edits or deletes the pin file, or asks to try again
 * ({@link #retry()}).
 *
 * <p>One object per printer; the trust manager it gives ({@link #trustManager()}) goes into the one
 * client TLS context every connection to the printer takes ({@link Tls#client()}), whichever TLS engine.
 */
public final class PrinterTrust {
    private static final Logger LOG = LoggerFactory.getLogger(PrinterTrust.class);

    /**
     * @param mode           the policy
     * @param printerAddress the printer's address as configured (pins are kept per address)
     * @param serial         the printer's serial number, or null when not given
     * @param dataDir        where the pins are kept
     * @param extraCas       CAs trusted besides BambuLab's ({@code --printer-ca}), e.g. for tests
     */
    public record Settings(TrustMode mode, String printerAddress, String serial, Path dataDir, List<X509Certificate> extraCas) {
        public Settings {
            Objects.requireNonNull(mode, "mode");
            extraCas = List.copyOf(extraCas);
        }
    }

    private final TrustMode mode;
    private final String host;
    private final String serial;
    /** Being read, and the JDK's path checking warmed up, while the first connection is made. */
    private final CompletableFuture<PrinterCa> ca;
    private final PinStore store;
    private final List<Consumer<TrustStatus>> listeners = new CopyOnWriteArrayList<>();
    private final X509ExtendedTrustManager manager = new Manager();
    /** Set by {@link Tls}: why a certificate is the proxy's own (its address leads back here), else null. */
    private volatile Function<X509Certificate, String> ownCertificate = c -> null;

    // guarded by this
    private Pin pin;
    private long pinStamp;
    /** The certificate refused while CHANGED or REFUSED. */
    private Pin refused;
    private CertificateState state;
    /** A fingerprint whose chain verified in this run: later handshakes only check its dates. */
    private String verifiedSha256;
    private String expiryWarned;
    private TrustStatus fired;

    private PrinterTrust(TrustMode mode, String host, String serial, CompletableFuture<PrinterCa> ca, PinStore store) {
        this.mode = mode;
        this.host = host;
        this.serial = serial;
        this.ca = ca;
        this.store = store;
    }

    /** {@code check} tells why a certificate is the proxy's own, or null: such a one is refused whatever the mode. */
    void refuseOwn(Function<X509Certificate, String> check) {
        ownCertificate = check;
    }

    /** The CA certificates in a PEM file ({@code --printer-ca}), at least one. */
    public static List<X509Certificate> readCas(Path file) throws IOException {
        return PrinterCa.read(file);
    }

    /** No checks and no warning: for tests and tools that talk to a printer of their own. */
    public static PrinterTrust off() {
        return new PrinterTrust(TrustMode.OFF, "", null, null, null).start();
    }

    /** The policy for one printer; reads its pin. Warns when {@code off}. */
    public static PrinterTrust of(Settings settings) {
        if (settings.mode() == TrustMode.OFF) {
            LOG.warn("--printer-trust off: the printer's certificate is not checked, so whatever answers at {} gets the access code",
                    settings.printerAddress());
            return off();
        }
        String host = settings.printerAddress().replaceAll("^\\[|\\]$", "").toLowerCase(Locale.ROOT);
        String serial = settings.serial() == null || settings.serial().isBlank() ? null : settings.serial().trim();
        // reading the CAs and the first path check load some 100 classes: 30-300 ms on a busy 2-core
        // machine, which a thread of their own takes off the first handshake's way
        CompletableFuture<PrinterCa> ca = new CompletableFuture<>();
        Thread warm = new Thread(() -> {
            try {
                ca.complete(PrinterCa.warm(settings.extraCas()));
            } catch (RuntimeException | Error e) {
                ca.completeExceptionally(e);
            }
        }, "printer-trust");
        warm.setDaemon(true);
        warm.start();
        return new PrinterTrust(settings.mode(), host, serial, ca, new PinStore(settings.dataDir())).start();
    }

    private PrinterTrust start() {
        synchronized (this) {
            if (mode == TrustMode.OFF) {
                state = CertificateState.OFF;
            } else {
                reload();
            }
            fired = status();
        }
        return this;
    }

    /** The trust manager of the client TLS context: every handshake with the printer goes through {@link #check}. */
    public X509ExtendedTrustManager trustManager() {
        return manager;
    }

    public synchronized TrustStatus status() {
        if (state == CertificateState.OFF) {
            return TrustStatus.OFF;
        }
        return new TrustStatus(state, pin == null ? null : pin.sha256(), pin == null ? null : pin.cn(),
                refused == null ? null : refused.sha256(), refused == null ? null : refused.cn());
    }

    /**
     * Called whenever {@link #status()} changes, on a TLS or command thread and under this object's
     * lock: it must not block or call back.
     */
    public void addListener(Consumer<TrustStatus> listener) {
        listeners.add(listener);
    }

    /**
     * False while the printer's certificate is {@link CertificateState#CHANGED}: connections to the
     * printer wait for the user. Notices the pin file being edited or deleted.
     */
    public boolean mayConnect() {
        boolean may;
        synchronized (this) {
            if (mode != TrustMode.OFF && store.stamp() != pinStamp) {
                LOG.info("{} was changed: reading the printer's pin again", store.file());
                reload();
            }
            may = state != CertificateState.CHANGED;
        }
        fire();
        return may;
    }

    /**
     * Trusts the certificate refused as {@link CertificateState#CHANGED} from now on (the user's
     * decision, e.g. from Home Assistant's button). False when no certificate was refused.
     */
    public boolean trustNewCertificate() {
        synchronized (this) {
            if (state != CertificateState.CHANGED || refused == null) {
                LOG.info("No new printer certificate to trust: the printer's certificate is {}", state.id());
                return false;
            }
            Pin previous = pin;
            pin(refused);
            LOG.info("Trusting the printer's new certificate (SHA-256 {}, CN {}) as asked, instead of SHA-256 {}",
                    pin.sha256(), pin.cn(), previous.sha256());
        }
        fire();
        return true;
    }

    /** Lets the next connection try again after a change was refused (the pin stays as it is). */
    public void retry() {
        synchronized (this) {
            if (state == CertificateState.CHANGED) {
                refused = null;
                state = pinnedState();
            }
        }
        fire();
    }

    /**
     * The decision on the chain {@code chain} (leaf first) presented at the printer's address.
     *
     * @throws CertificateException when refused; the message says why, with the fingerprints
     */
    void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the printer sent no certificate");
        }
        String self = ownCertificate.apply(chain[0]);
        if (self != null) {
            throw new CertificateException(self); // before any policy: never pin the proxy itself
        }
        if (mode == TrustMode.OFF) {
            return;
        }
        String refusal;
        synchronized (this) {
            refusal = decide(chain, sha256(chain[0]), PrinterCa.commonName(chain[0].getSubjectX500Principal()));
        }
        fire();
        if (refusal != null) {
            throw new Refused(refusal);
        }
    }

    /** A certificate this policy refused; its message says why, with the fingerprints. */
    public static final class Refused extends CertificateException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * Why this policy refused the printer's certificate, when {@code failure} (a failed TLS handshake,
     * from either engine) comes from that; else null.
     */
    public static String refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof Refused r) {
                return r.getMessage();
            }
        }
        return null;
    }

    /** Null to accept, else why not. Under the lock. */
    private String decide(X509Certificate[] chain, String sha256, String cn) {
        Verdict v = verify(chain, sha256);
        // chains to a known CA for the right serial, perhaps out of date
        boolean valid = v.kind() == Verdict.Kind.VERIFIED || v.kind() == Verdict.Kind.EXPIRED;
        if (pin != null && pin.sha256().equals(sha256)) {
            if (mode == TrustMode.BAMBU && !valid) {
                return refuse(sha256, cn, v.reason());
            }
            if (outOfDate(chain[0])) {
                warnExpired(chain[0], sha256);
            }
            if (mode != TrustMode.PIN && valid && !pin.verified()) {
                pin(new Pin(sha256, cn, true)); // pinned before, verifies now (e.g. with a CA added)
            }
            refused = null;
            state = pinnedState();
            return null;
        }
        Pin presented = new Pin(sha256, cn, valid);
        if (mode == TrustMode.BAMBU) {
            if (!v.verified()) {
                return refuse(sha256, cn, v.kind() == Verdict.Kind.EXPIRED
                        ? v.reason() + ", and it is not the certificate pinned earlier" : v.reason());
            }
            return accept(presented, "verified: signed by a BambuLab printer CA" + serialNote());
        }
        if (pin == null) {
            if (mode == TrustMode.AUTO && v.verified()) {
                return accept(presented, "verified: signed by a BambuLab printer CA" + serialNote());
            }
            if (mode == TrustMode.PIN) {
                return accept(presented, "pinned (--printer-trust pin): from now on only this certificate is accepted there");
            }
            LOG.warn("The printer's certificate at {} (SHA-256 {}, CN {}) is not verified: {}. Pinned it: from now on only "
                    + "this certificate is accepted there", host, sha256, cn, v.reason());
            pin(presented);
            return null;
        }
        if (mode == TrustMode.AUTO && pin.verified() && v.verified()) {
            return accept(presented, "verified for the same serial");
        }
        return changed(presented);
    }

    private Verdict verify(X509Certificate[] chain, String sha256) {
        if (sha256.equals(verifiedSha256)) {
            return outOfDate(chain[0]) ? new Verdict(Verdict.Kind.EXPIRED, "it has expired") : new Verdict(Verdict.Kind.VERIFIED, "");
        }
        Verdict v = ca.join().verify(chain, knownSerial());
        if (v.verified()) {
            verifiedSha256 = sha256;
        }
        return v;
    }

    private String knownSerial() {
        return serial != null ? serial : pin != null && pin.verified() ? pin.cn() : null;
    }

    private String serialNote() {
        String s = knownSerial();
        return s == null ? "" : " for serial " + s;
    }

    private String accept(Pin presented, String how) {
        String instead = pin == null ? "" : " (a new one: it replaces SHA-256 " + pin.sha256() + ")";
        LOG.info("The printer's certificate at {} (SHA-256 {}, CN {}) is {}{}", host, presented.sha256(), presented.cn(), how, instead);
        pin(presented);
        return null;
    }

    private String refuse(String sha256, String cn, String reason) {
        boolean again = state == CertificateState.REFUSED && refused != null && refused.sha256().equals(sha256);
        refused = new Pin(sha256, cn, false);
        state = CertificateState.REFUSED;
        String message = "the printer's certificate at " + host + " (SHA-256 " + sha256 + ", CN " + cn + ") is refused by --printer-trust bambu: " + reason;
        if (!again) {
            LOG.warn("Not connecting: {}. If this is your printer, --printer-trust auto trusts it by its fingerprint", message);
        }
        return message;
    }

    private String changed(Pin presented) {
        boolean again = state == CertificateState.CHANGED && refused != null && refused.sha256().equals(presented.sha256());
        refused = presented;
        state = CertificateState.CHANGED;
        if (!again) {
            LOG.warn("The printer at {} presents a different certificate (SHA-256 {}, CN {}) from the one trusted (SHA-256 {}, CN {}): "
                    + "not connecting, so the access code is not sent to it. If you replaced the printer or it has a new certificate, "
                    + "press \"Trust the printer's new certificate\" in Home Assistant, or delete {} and restart; if not, something else "
                    + "answers at the printer's address", host, presented.sha256(), presented.cn(), pin.sha256(), pin.cn(), store.file());
        }
        return "the printer's certificate changed (SHA-256 " + presented.sha256() + ", trusted: " + pin.sha256() + ")";
    }

    private void warnExpired(X509Certificate leaf, String sha256) {
        if (!sha256.equals(expiryWarned)) {
            expiryWarned = sha256;
            LOG.warn("The printer's certificate at {} is valid only until {} (from {}); accepted because it is the one pinned",
                    host, leaf.getNotAfter().toInstant(), leaf.getNotBefore().toInstant());
        }
    }

    /** Makes {@code p} the pin, in memory and in the file (a file that cannot be written is logged). */
    private void pin(Pin p) {
        if (pin == null || !pin.equals(p)) {
            try {
                store.save(host, p);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Cannot keep the printer's certificate in {} ({}): it is trusted until the proxy stops", store.file(), e.getMessage());
            }
            pinStamp = store.stamp();
        }
        if (pin != null && !pin.sha256().equals(p.sha256())) {
            verifiedSha256 = null;
        }
        pin = p;
        refused = null;
        state = pinnedState();
    }

    private CertificateState pinnedState() {
        return pin == null ? CertificateState.UNKNOWN : pin.verified() ? CertificateState.VERIFIED : CertificateState.PINNED;
    }

    /** Reads the pin from the file; a refused change is forgotten when the pin it was refused for went. */
    private void reload() {
        pinStamp = store.stamp();
        Pin before = pin;
        try {
            pin = store.load(host);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot read {} ({}): no printer certificate is pinned", store.file(), e.getMessage());
            pin = null;
        }
        if (pin == null || before == null || !pin.sha256().equals(before.sha256())) {
            verifiedSha256 = null;
        }
        if (state != CertificateState.CHANGED || !Objects.equals(before, pin)) {
            refused = null;
            state = pinnedState();
        }
    }

    /** Tells the listeners when the status changed; under the lock, so they hear the changes in order. */
    private synchronized void fire() {
        TrustStatus now = status();
        if (!now.equals(fired)) {
            fired = now;
            for (Consumer<TrustStatus> l : listeners) {
                l.accept(now);
            }
        }
    }

    private static boolean outOfDate(X509Certificate leaf) {
        try {
            leaf.checkValidity();
            return false;
        } catch (CertificateException e) {
            return true;
        }
    }

    /** The SHA-256 fingerprint as {@code openssl x509 -fingerprint -sha256} prints it. */
    static String sha256(X509Certificate cert) throws CertificateEncodingException {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every server certificate check of the client context comes here, from either TLS engine. */
    private final class Manager extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("the printer's trust manager checks servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("the printer's trust manager checks servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the printer's trust manager checks servers only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
