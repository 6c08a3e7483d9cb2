package io.wschat.page;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Starts the machine's headless Chromium through its chromedriver. Both paths are given, so
 * Selenium Manager never tries to download a browser or a driver.
 */
final class Chromium {

    static final File DRIVER = new File("/usr/bin/chromedriver");
    static final String BINARY = "/usr/bin/chromium";

    private Chromium() {
    }

    static ChromeDriver start() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY);
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,800", "--lang=en-US",
                // Each browser is a separate person: its own profile, so its own localStorage.
                "--user-data-dir=" + freshProfile());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER).build();
        return new ChromeDriver(service, options);
    }

    /** Sets the viewport exactly (the window size includes no browser chrome only approximately). */
    static void viewport(ChromeDriver driver, int width, int height, boolean mobile) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
    }

    /** Under target/, so that 'mvn clean' removes what Chromium leaves behind. */
    private static String freshProfile() {
        try {
            Path parent = Files.createDirectories(Path.of("target", "chromium-profiles"));
            return Files.createTempDirectory(parent, "profile").toAbsolutePath().toString();
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a Chromium profile directory", e);
        }
    }
}
