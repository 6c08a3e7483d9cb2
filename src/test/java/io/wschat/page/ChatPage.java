package io.wschat.page;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page as one person in a browser uses it: what they can do (join, type, click) and what
 * they can see (messages, members, status, unread marks). Every wait has a deadline.
 */
final class ChatPage {

    static final Duration TIMEOUT = Duration.ofSeconds(15);

    final ChromeDriver driver;
    final String who;
    private final WebDriverWait wait;

    ChatPage(ChromeDriver driver, String who) {
        this.driver = driver;
        this.who = who;
        this.wait = new WebDriverWait(driver, TIMEOUT);
    }

    /** Loads the page fresh (closing whatever connections the last visit had) and shows the lobby. */
    ChatPage open(String url) {
        driver.get(url);
        waitUntil("the lobby shows", () -> driver.findElement(By.id("lobby")).isDisplayed());
        return this;
    }

    /** Joins through the lobby form, as a person would, and waits until the room is live. */
    ChatPage join(String name, String room) {
        return join(name, room, name);
    }

    /** As {@link #join(String, String)}, where the server names the user {@code expected} (a sign-in token's user). */
    ChatPage join(String name, String room, String expected) {
        startJoining(name, room);
        return awaitJoined(expected);
    }

    /** Fills in and sends the lobby form; the page starts connecting. */
    void startJoining(String name, String room) {
        type(By.id("name-input"), name);
        type(By.id("room-input"), room);
        driver.findElement(By.cssSelector("#join-form button[type=submit]")).click();
    }

    /** Waits until the room is live, the server has named the user {@code expected}, and direct messages can flow. */
    ChatPage awaitJoined(String expected) {
        waitForStatus("live");
        WebElement me = driver.findElement(By.id("me"));
        waitUntil(who + " is welcomed as " + expected, () -> me.getText().equals("you are " + expected));
        // Direct messages go to /ws/{name}, opened after the welcome: wait for it before anyone writes.
        waitUntil(who + "'s private-message connection is live", () -> "live".equals(me.getAttribute("data-direct")));
        return this;
    }

    /** Types into the message box and presses Enter. */
    void say(String text) {
        WebElement input = driver.findElement(By.id("text-input"));
        if (text.codePoints().anyMatch(Character::isSupplementaryCodePoint)) {
            // chromedriver cannot type characters outside the BMP (most emoji); paste those in.
            driver.executeScript("arguments[0].value = arguments[1]", input, text);
        } else {
            input.sendKeys(text);
        }
        input.sendKeys(Keys.ENTER);
        waitUntil("the message box is cleared after sending", () -> input.getAttribute("value").isEmpty());
    }

    void waitForStatus(String state) {
        waitUntil(who + "'s status becomes " + state, () -> state.equals(status()));
    }

    String status() {
        return driver.findElement(By.id("status")).getAttribute("data-state");
    }

    // ---- messages: conversation is "room" or "dm:<peer>" ----------------------------------------

    /** Each shown message as {user, text, mine, offset}, in screen order. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> messages(String conversation) {
        return (List<Map<String, Object>>) ((JavascriptExecutor) driver).executeScript("""
                const pane = document.querySelector(`ol.messages[data-conversation="${arguments[0]}"]`);
                if (!pane) return [];
                return [...pane.querySelectorAll('li.message')].map(li => ({
                  user: li.querySelector('.from').textContent,
                  text: li.querySelector('.text').textContent,
                  mine: li.classList.contains('mine'),
                  offset: li.dataset.offset ?? null }));
                """, conversation);
    }

    List<String> texts(String conversation) {
        return messages(conversation).stream().map(m -> (String) m.get("text")).toList();
    }

    void waitForMessage(String conversation, String user, String text) {
        waitUntil(who + " sees " + user + ": " + text + " in " + conversation, () -> messages(conversation).stream()
                .anyMatch(m -> user.equals(m.get("user")) && text.equals(m.get("text"))));
    }

    long count(String conversation, String text) {
        return texts(conversation).stream().filter(text::equals).count();
    }

    // ---- members, private conversations -----------------------------------------------------

    List<String> members() {
        return driver.findElements(By.cssSelector("#members li[data-name]")).stream()
                .map(li -> li.getAttribute("data-name")).toList();
    }

    void waitForMembers(List<String> expected) {
        waitUntil(who + "'s member list becomes " + expected, () -> members().equals(expected));
    }

    /**
     * As {@link #waitForMembers}, in any order (each name still exactly once): after a reconnect the
     * order depends on whether the server saw the old connections go before the new ones came.
     */
    void waitForMembersInAnyOrder(List<String> expected) {
        List<String> sorted = expected.stream().sorted().toList();
        waitUntil(who + "'s member list becomes " + expected + " in any order",
                () -> members().stream().sorted().toList().equals(sorted));
    }

    /** Clicks a member's name, which opens (and shows) the private conversation with them. */
    void clickMember(String name) {
        driver.findElement(By.cssSelector("#members li[data-name='" + name + "'] button")).click();
        waitUntil("the conversation with " + name + " is shown", () -> driver
                .findElement(By.cssSelector(".tab[data-conversation='dm:" + name + "']"))
                .getAttribute("class").contains("active"));
    }

    void showConversation(String conversation) {
        driver.findElement(By.cssSelector(".tab[data-conversation='" + conversation + "']")).click();
    }

    /** The unread count on a conversation's tab; 0 if no mark is shown or there is no tab. */
    int unread(String conversation) {
        List<WebElement> badges = driver.findElements(By.cssSelector(
                ".tab[data-conversation='" + conversation + "'] .unread"));
        if (badges.isEmpty() || !badges.get(0).isDisplayed()) {
            return 0;
        }
        return Integer.parseInt(badges.get(0).getText());
    }

    void waitUntil(String what, java.util.function.BooleanSupplier condition) {
        // What the page showed at the deadline: a CI log may be all there is to go on.
        wait.withMessage(() -> what + "; the page showed " + connectionStates()).until(d -> condition.getAsBoolean());
    }

    private String connectionStates() {
        try {
            WebElement status = driver.findElement(By.id("status"));
            return "room connection " + status.getAttribute("data-state") + " (\"" + status.getText() + "\"), direct connection "
                    + driver.findElement(By.id("me")).getAttribute("data-direct");
        } catch (RuntimeException e) {
            return "no connection states (" + e + ")";
        }
    }

    private void type(By field, String text) {
        WebElement input = driver.findElement(field);
        input.clear();
        input.sendKeys(text);
    }
}
