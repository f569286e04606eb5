package com.pandaproxy.rtsp.auth;

import java.util.Map;

/**
 * The {@code Authorization: Digest ...} credentials (RFC 2617 §3.2.2 / RFC 7616 §3.4). Fields that
 * are absent are null; with no qop, nc and cnonce are null too.
 */
public record DigestAuthorization(
        String username,
        String realm,
        String nonce,
        String uri,
        String response,
        String algorithm,
        String qop,
        String nc,
        String cnonce,
        String opaque) {

    /** Parses the header value (starting with "Digest"). @throws IllegalArgumentException */
    public static DigestAuthorization parse(String header) {
        String h = header.trim();
        if (!h.regionMatches(true, 0, "Digest ", 0, 7)) {
            throw new IllegalArgumentException("not Digest credentials");
        }
        Map<String, String> p = AuthParams.parse(h.substring(7));
        DigestAuthorization d = new DigestAuthorization(p.get("username"), p.get("realm"), p.get("nonce"),
                p.get("uri"), p.get("response"), p.get("algorithm"), p.get("qop"), p.get("nc"),
                p.get("cnonce"), p.get("opaque"));
        if (d.username == null || d.realm == null || d.nonce == null || d.uri == null || d.response == null) {
            throw new IllegalArgumentException("incomplete Digest credentials");
        }
        if (d.qop != null && (d.nc == null || d.cnonce == null)) {
            throw new IllegalArgumentException("Digest qop without nc/cnonce");
        }
        return d;
    }

    /** The header value. nc, qop and algorithm are tokens; the rest quoted. */
    public String format() {
        StringBuilder sb = new StringBuilder("Digest ");
        sb.append("username=").append(AuthParams.quote(username));
        sb.append(", realm=").append(AuthParams.quote(realm));
        sb.append(", nonce=").append(AuthParams.quote(nonce));
        sb.append(", uri=").append(AuthParams.quote(uri));
        sb.append(", response=").append(AuthParams.quote(response));
        if (algorithm != null) {
            sb.append(", algorithm=").append(algorithm);
        }
        if (qop != null) {
            sb.append(", qop=").append(qop).append(", nc=").append(nc)
                    .append(", cnonce=").append(AuthParams.quote(cnonce));
        }
        if (opaque != null) {
            sb.append(", opaque=").append(AuthParams.quote(opaque));
        }
        return sb.toString();
    }
}
