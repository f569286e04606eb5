package com.pandaproxy.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pandaproxy.printer.PrinterStatus;
import com.pandaproxy.printer.UpstreamState;
import com.pandaproxy.testutil.Await;
import com.pandaproxy.testutil.ChamberViewer;
import com.pandaproxy.testutil.Interop;
import com.pandaproxy.tls.CertificateState;
import com.pandaproxy.tls.TrustStatus;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The page in a real browser (Debian's chromium, headless, driven by Selenium through chromium-driver),
 * reached through a stand-in for Home Assistant's ingress proxy: the page loads under the ingress
 * prefix, its picture moves, it lists the clients, its Reconnect button reconnects, and it shows
 * the printer's certificate (with a hint when it changed) and the MQTT relay when it is on.
 * Keeps a screenshot in target/web-page.png.
 */
@Tag("interop")
class WebPageBrowserTest extends WebTestBase {
    @Test
    void pageThroughIngressShowsTheCameraAndReconnects() throws Exception {
        Path chromium = Interop.require("chromium");
        Path driverPath = Interop.require("chromedriver");
        WebFixture f = chamber(8);
        closer.add(ChamberViewer.connect(f.chamberPort, WebFixture.CODE));
        IngressStandIn ingress = closer.add(new IngressStandIn(ingressAddress(), f.web.port()));

        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverPath.toFile())
                .usingAnyFreePort().build();
        WebDriver driver = new ChromeDriver(service, options);
        closer.add(driver::quit);

        driver.get(ingress.url("/"));
        Await.until("the page shows the camera streaming", WAIT,
                () -> text(driver, "upstream_state").equals("streaming"));
        assertEquals("chamber", text(driver, "camera_type"));
        Await.until("the page lists the chamber client and its own MJPEG viewer", WAIT, () -> {
            String clients = text(driver, "client_list");
            return clients.contains("chamber") && clients.contains("mjpeg") && clients.contains("127.0.0.");
        });
        WebElement live = driver.findElement(By.id("live"));
        Await.until("the picture is there", WAIT, () -> Boolean.TRUE.equals(
                ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("return arguments[0].naturalWidth > 0", live)));
        BufferedImage before = ImageIO.read(new ByteArrayInputStream(live.getScreenshotAs(OutputType.BYTES)));
        Await.until("the live picture changes", WAIT, () -> {
            try {
                BufferedImage now = ImageIO.read(new ByteArrayInputStream(live.getScreenshotAs(OutputType.BYTES)));
                return Pictures.difference(before, now) > 0.01;
            } catch (Exception e) {
                return false;
            }
        });
        String urls = text(driver, "urls");
        assertTrue(urls.contains("http://127.0.0.1:" + f.web.port() + "/stream.mjpeg"), urls);
        assertTrue(urls.contains("127.0.0.1:" + f.chamberPort), urls);

        long reconnects = f.printer.status().reconnects();
        driver.findElement(By.id("reconnect")).click();
        Await.until("reconnected", WAIT, () -> f.printer.status().reconnects() > reconnects && f.printer.status().streaming());
        Await.until("the page shows the reconnect", WAIT,
                () -> text(driver, "reconnects").equals(String.valueOf(f.printer.status().reconnects())));
        assertTrue(text(driver, "message").startsWith("Reconnect asked"), text(driver, "message"));

        // the printer's certificate and the MQTT relay: no hint and no relay line until there is something to say
        assertEquals("not checked yet", text(driver, "printer_certificate"));
        assertFalse(driver.findElement(By.id("certificate_hint")).isDisplayed());
        assertFalse(driver.findElement(By.id("printer_mqtt")).isDisplayed(), "no relay line while the relay is off");
        f.board.certificate(new TrustStatus(CertificateState.CHANGED, "70:AB", "01P00A123456789", "1F:CD", "X"));
        f.board.relay(new PrinterStatus.RelayStatus(UpstreamState.STREAMING, 2));
        Await.until("the page shows the changed certificate and the relay", WAIT,
                () -> driver.findElement(By.id("certificate_hint")).isDisplayed() && driver.findElement(By.id("printer_mqtt")).isDisplayed());
        assertEquals("changed (SHA-256 70:AB, CN 01P00A123456789)", text(driver, "printer_certificate"));
        String hint = text(driver, "certificate_hint");
        assertTrue(hint.contains("1F:CD") && hint.contains("Trust the printer's new certificate")
                && hint.contains("printer-trust.properties"), hint);
        assertEquals("connected, 2 tools", text(driver, "printer_mqtt"));
        f.board.certificate(new TrustStatus(CertificateState.PINNED, "1F:CD", "X", null, null));
        Await.until("the hint goes once the new certificate is trusted", WAIT,
                () -> !driver.findElement(By.id("certificate_hint")).isDisplayed());

        Path shot = Path.of("target", "web-page.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));

        // every request went through the prefix, and the page asked for nothing outside it
        assertTrue(ingress.refused.isEmpty(), "outside the ingress prefix: " + ingress.refused);
        for (String needed : new String[] {"GET /", "GET /page.css", "GET /page.js", "GET /api/status", "GET /stream.mjpeg",
                "POST /api/reconnect"}) {
            assertTrue(ingress.forwarded.stream().anyMatch(r -> r.equals(needed) || r.startsWith(needed + "?")),
                    needed + " in " + ingress.forwarded);
        }
        assertFalse(ingress.forwarded.isEmpty());
    }

    private static String text(WebDriver driver, String id) {
        return driver.findElement(By.id(id)).getText().trim();
    }
}
