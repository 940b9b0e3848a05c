"""The web UI in a real headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium from PyPI), over a Trellis with the store filled by `trellis demo` and by the
OpenTelemetry SDK's demo flows. Each view is saved as a screenshot (Tests/EndToEnd/screenshots,
kept out of git) and checked to be non-blank; no page may log a console error."""
import re
import shutil
import urllib.parse

from PIL import Image, ImageStat
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

from demo_tests import run_demo, summary_number
from harness import *

SCREENSHOTS = os.path.join(HERE, "screenshots")
_ui = {}


class Browser:
    """One headless Chromium under chromedriver; `quit` stops it and checks chromedriver's PID is gone."""

    def __init__(self, width=1300, height=900, javascript=True):
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium")
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},{height}",
                         f"--user-data-dir={tempfile.mkdtemp(dir=WORK, prefix='chromium-')}"):
            options.add_argument(argument)
        if not javascript:
            options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.service = Service(executable_path=shutil.which("chromedriver"), log_output=os.path.join(WORK, f"chromedriver-{free_port()}.log"))
        self.driver = webdriver.Chrome(options=options, service=self.service)
        self.driver.set_page_load_timeout(60)

    def open(self, url, screenshot=None, console_clean=True):
        """Loads `url`; with `screenshot`, saves the view under that name and checks it is not blank."""
        self.driver.get(url)
        if console_clean:
            self.assert_no_console_errors(url)
        if screenshot:
            self.screenshot(screenshot)
        return self.driver

    def click_through(self, button):
        """Clicks `button` and waits for the page it leads to."""
        self.navigate_by(button.click)

    def navigate_by(self, action):
        """Runs `action`, which makes the page navigate, and waits until the next page has loaded."""
        self.driver.execute_script("window.trellisLeftPage = true")
        action()
        # Chrome may answer a question about the old page's nodes mid-navigation with an inspector error
        # rather than "stale", so the wait asks the new document itself: it has no mark and has loaded.
        WebDriverWait(self.driver, 30, ignored_exceptions=(WebDriverException,)).until(
            lambda driver: driver.execute_script("return document.readyState === 'complete' && !window.trellisLeftPage"))

    def assert_no_console_errors(self, where):
        errors = [e for e in self.driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
        assert not errors, (where, errors)

    def screenshot(self, name):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        path = os.path.join(SCREENSHOTS, f"{name}.png")
        assert self.driver.save_screenshot(path), path
        assert os.path.getsize(path) > 8000, (path, os.path.getsize(path))
        with Image.open(path) as image:
            rgb = image.convert("RGB")
            colours = rgb.getcolors(maxcolors=1 << 16)
            spread = sum(ImageStat.Stat(rgb).stddev) / 3
        assert colours is None or len(colours) >= 16, (path, "fewer than 16 colours")
        assert spread > 8, (path, f"colour standard deviation {spread:.1f}")
        return path

    def quit(self):
        pid = self.service.process.pid
        self.driver.quit()
        if not wait_until(lambda: not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z", timeout=10):
            os.kill(pid, signal.SIGKILL)
            raise AssertionError(f"chromedriver {pid} outlived quit()")


def send_checkout_with_a_payments_peer(trellis):
    """One trace from the real Python SDK: checkout's server span calls an uninstrumented
    `payments-api` (a CLIENT span with peer.service and nothing on the other side)."""
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.trace import SpanKind

    provider = TracerProvider(resource=Resource.create({"service.name": "checkout"}))
    provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=trellis.url("http", "/v1/traces"))))
    tracer = provider.get_tracer("ui-tests")
    with tracer.start_as_current_span("POST /checkout", kind=SpanKind.SERVER):
        with tracer.start_as_current_span("POST", kind=SpanKind.CLIENT, attributes={"peer.service": "payments-api", "http.request.method": "POST"}):
            time.sleep(0.01)
    provider.shutdown()
    return 2


def filled():
    """One storing Trellis with ~8 s of `trellis demo` traffic, the SDK demo flows and the checkout
    trace; shared by the tests of this module. Returns (trellis, archive path)."""
    if "trellis" not in _ui:
        db = os.path.join(WORK, f"ui-{free_port()}", "trellis.db")
        trellis = storing_trellis(db).start()
        checkout = send_checkout_with_a_payments_peer(trellis)
        demo = run_demo("--endpoint", trellis.url("grpc", ""), "--protocol", "grpc", "--duration", "8s", "--rate", "25", "--seed", "7",
                        "--query-url", trellis.url("query", "/"))
        assert demo.returncode == 0, demo.stdout + demo.stderr
        expected = checkout + summary_number(demo.stdout, "spans sent") + run_flows_into(trellis)
        assert wait_until(lambda: trellis.metric("trellis_exporter_sent_spans_total") >= expected, timeout=30), trellis.output()[-3000:]
        # A CLIENT span with no callee becomes a call to its named peer once the store's pairing wait (10 s) is over.
        assert wait_until(lambda: any(e["child"] == "payments-api" for e in get_json(trellis, "/api/dependencies/graph")["edges"]),
                          timeout=30), get_json(trellis, "/api/dependencies/graph")
        _ui["trellis"], _ui["db"] = trellis, db
    return _ui["trellis"], _ui["db"]


def browser():
    """The browser the tests of this module share."""
    if "browser" not in _ui:
        _ui["browser"] = Browser()
    return _ui["browser"]


def get_json(trellis, target):
    status, _, body = http("GET", trellis.url("query", target))
    assert status == 200, (target, status, body[:500])
    return json.loads(body)


def search_summaries(trellis, service, operation=None):
    """The trace summaries of `service` (and `operation`) over the last hour, through /api/v3."""
    now = time.time()
    query = {"query.serviceName": service, "query.startTimeMin": rfc3339(now - 3600), "query.startTimeMax": rfc3339(now + 60), "query.searchDepth": 1000}
    if operation:
        query["query.operationName"] = operation
    return get_json(trellis, "/api/v3/trace-summaries?" + urllib.parse.urlencode(query))["summaries"]


def rfc3339(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


@test
def the_search_form_finds_the_error_traces_by_error_true(t):
    trellis, _ = filled()
    driver = browser().open(trellis.url("query", "/"), "search-form")
    # the form comes back with demo-service's operations
    browser().navigate_by(lambda: Select(driver.find_element(By.NAME, "service")).select_by_visible_text("demo-service"))
    operations = [o.text for o in Select(driver.find_element(By.NAME, "operation")).options]
    assert "SimulateController.simulate" in operations and "GET /api/greeting" in operations, operations
    driver.find_element(By.NAME, "tags").send_keys("error=true")
    Select(driver.find_element(By.NAME, "lookback")).select_by_visible_text("1h")
    limit = driver.find_element(By.NAME, "limit")
    limit.clear()
    limit.send_keys("100")
    browser().click_through(driver.find_element(By.CSS_SELECTOR, "form.search button[type=submit]"))
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(driver.current_url).query)["tags"] == ["error=true"], driver.current_url
    browser().assert_no_console_errors(driver.current_url)
    browser().screenshot("search-errors")
    found = {a.get_attribute("href").rsplit("/", 1)[1] for a in driver.find_elements(By.CSS_SELECTOR, "#results tr.trace a[href^='/trace/']")}
    expected = {s["traceId"] for s in search_summaries(trellis, "demo-service")
                if any(x["name"] == "demo-service" and x["errorSpanCount"] > 0 for x in s["services"])}
    assert found == expected and len(found) >= 2, (sorted(found), sorted(expected))
    assert len(driver.find_elements(By.CSS_SELECTOR, "#scatter circle")) == len(found)


@test
def the_trace_page_shows_every_span_the_critical_path_and_the_exception_event(t):
    trellis, _ = filled()
    def threw(summary):
        spans = get_json(trellis, f"/api/traces/{summary['traceId']}")["data"][0]["spans"]
        return any(s["operationName"] == "SimulateController.simulate" and s["logs"] for s in spans)
    error = next(s for s in search_summaries(trellis, "node-service", "POST /api/simulate") if s["errorSpanCount"] > 0 and threw(s))
    trace_id = error["traceId"]
    driver = browser().open(trellis.url("query", f"/trace/{trace_id}"), "trace")
    rows = driver.find_elements(By.CSS_SELECTOR, "#waterfall .row")
    assert len(rows) == error["spanCount"], (len(rows), error)
    marked = {r.get_attribute("id")[5:] for r in rows if r.get_attribute("data-critical") == "true"}
    critical = {s["spanID"] for s in get_json(trellis, f"/api/traces/{trace_id}/critical-path")["spans"]}
    assert marked == critical, (marked, critical)
    assert all("critical" in r.find_element(By.CSS_SELECTOR, ".bar").get_attribute("class") for r in rows if r.get_attribute("id")[5:] in critical)
    # The controller span threw: its detail folds open on a click and shows the exception event.
    controller = next(r for r in rows if "SimulateController.simulate" in r.text)
    detail = controller.find_element(By.XPATH, "following-sibling::details[1]")
    assert not detail.find_element(By.TAG_NAME, "h4").is_displayed()
    detail.find_element(By.TAG_NAME, "summary").click()
    assert detail.get_attribute("open") is not None
    text = detail.text
    assert "exception" in text and "exception.type" in text and "IllegalStateException" in text and "status error" in text, text
    browser().screenshot("trace-detail")


@test
def the_timeline_zooms_and_moves_by_keyboard(t):
    trellis, _ = filled()
    [chain] = sorted(search_summaries(trellis, "node-service", "POST /api/chain"), key=lambda s: -s["spanCount"])[:1]
    driver = browser().open(trellis.url("query", f"/trace/{chain['traceId']}"))
    keys = lambda text: ActionChains(driver).send_keys(text).perform()
    bar = driver.find_element(By.CSS_SELECTOR, "#waterfall .row .bar")  # the root's, the whole trace long
    before = bar.rect
    keys("+")
    after = bar.rect
    assert after["width"] > before["width"] * 1.5, (before, after)
    assert driver.find_element(By.ID, "zoom").get_attribute("width") == "50%"
    keys("0")
    assert abs(bar.rect["width"] - before["width"]) < 1
    keys("j")
    first = driver.find_elements(By.CSS_SELECTOR, "#waterfall .row")[0]
    assert driver.switch_to.active_element == first
    second = driver.find_elements(By.CSS_SELECTOR, "#waterfall .row")[1]
    assert second.is_displayed()
    keys(Keys.ENTER)  # folds the root's children
    assert not second.is_displayed()
    browser().assert_no_console_errors("keyboard")


@test
def compare_shows_the_extra_spans_of_a_deeper_chain(t):
    trellis, _ = filled()
    chains = sorted(search_summaries(trellis, "node-service", "POST /api/chain"), key=lambda s: s["spanCount"])
    shallow, deep = chains[0], chains[-1]
    assert deep["spanCount"] > shallow["spanCount"], chains
    driver = browser().open(trellis.url("query", f"/trace/{shallow['traceId']}...{deep['traceId']}"), "compare")
    only_b = driver.find_elements(By.CSS_SELECTOR, "#compare tr.only-b")
    assert len(only_b) == deep["spanCount"] - shallow["spanCount"], (len(only_b), shallow, deep)
    assert not driver.find_elements(By.CSS_SELECTOR, "#compare tr.only-a")
    assert any("ChainController.chain" in row.text for row in only_b)


@test
def the_dependency_graph_counts_node_to_demo_calls_and_draws_the_virtual_peer(t):
    trellis, db = filled()
    spans = archived_spans(db)
    service_of = {s[4]: s[0] for s in spans}
    calls = sum(1 for s in spans if s[0] == "demo-service" and s[2] == 2 and service_of.get(s[5]) == "node-service")
    driver = browser().open(trellis.url("query", "/dependencies?lookback=1h"), "dependencies")
    rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")] for tr in driver.find_elements(By.CSS_SELECTOR, "#edges tr")[1:]]
    assert ["node-service", "demo-service", str(calls)] == next(r for r in rows if r[:2] == ["node-service", "demo-service"])[:3], (rows, calls)
    assert ["checkout", "payments-api", "1", "0"] in rows, rows
    virtual = driver.find_element(By.CSS_SELECTOR, "#graph a.node.virtual")
    assert "payments-api" in virtual.text and virtual.get_attribute("href") is None
    assert virtual.find_elements(By.TAG_NAME, "rect")
    # Left to right: a caller's node sits left of what it calls.
    x = {n.find_element(By.TAG_NAME, "text").text: n.rect["x"] for n in driver.find_elements(By.CSS_SELECTOR, "#graph a.node")}
    assert x["checkout"] < x["payments-api"], x
    browser().click_through(driver.find_element(By.CSS_SELECTOR, "#graph a.node[href^='/search?service=node-service&']"))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(driver.current_url).query)
    assert query == {"service": ["node-service"], "lookback": ["1h"]}, driver.current_url
    assert driver.find_elements(By.CSS_SELECTOR, "#results tr.trace"), "the search from the graph found nothing"
    browser().assert_no_console_errors(driver.current_url)


@test
def the_endpoint_breakdown_names_the_slow_controller_for_the_slow_flow(t):
    trellis, _ = filled()
    # The demo's slow flow keeps node-service waiting 1 to 4.5 s (its timeout flow gives up at 5 s):
    # the form, filled in the browser, asks for those requests only.
    driver = browser().open(trellis.url("query", "/endpoint"))
    browser().navigate_by(lambda: Select(driver.find_element(By.NAME, "service")).select_by_visible_text("node-service"))
    Select(driver.find_element(By.NAME, "operation")).select_by_visible_text("POST /api/simulate")
    Select(driver.find_element(By.NAME, "lookback")).select_by_visible_text("1h")
    driver.find_element(By.NAME, "minDuration").send_keys("1s")
    driver.find_element(By.NAME, "maxDuration").send_keys("4900ms")
    browser().click_through(driver.find_element(By.CSS_SELECTOR, "form.search button[type=submit]"))
    browser().assert_no_console_errors(driver.current_url)
    browser().screenshot("endpoint")
    slow = [s for s in search_summaries(trellis, "node-service", "POST /api/simulate")
            if s["rootServiceName"] == "node-service" and 1e9 <= int(s["maxEndTimeUnixNano"]) - int(s["minStartTimeUnixNano"]) <= 4.9e9]
    assert slow, "the demo sent no slow flow"
    first = driver.find_element(By.CSS_SELECTOR, "tr.part")
    cells = [td.text for td in first.find_elements(By.TAG_NAME, "td")]
    assert "demo-service" in cells[0] and "SimulateController.simulate" in cells[0], cells
    assert int(cells[2].rstrip("%")) >= 90, cells  # the controller's sleep is nearly all of a slow request
    slowest = driver.find_elements(By.CSS_SELECTOR, "#slowest a")
    assert slowest and {a.text for a in slowest} <= {s["traceId"] for s in slow}, ([a.text for a in slowest], slow)
    browser().click_through(slowest[0])
    assert "/trace/" in driver.current_url and "SimulateController.simulate" in driver.find_element(By.ID, "waterfall").text


@test
def two_traces_ticked_in_the_search_list_open_their_comparison(t):
    trellis, _ = filled()
    chains = sorted(search_summaries(trellis, "node-service", "POST /api/chain"), key=lambda s: s["spanCount"])
    shallow, deep = chains[0], chains[-1]
    operation = urllib.parse.quote("POST /api/chain", safe="")
    driver = browser().open(trellis.url("query", f"/search?service=node-service&operation={operation}&lookback=1h&limit=100"))
    for trace in (shallow, deep):
        driver.find_element(By.CSS_SELECTOR, f"#results input[value='{trace['traceId']}']").click()
    browser().click_through(driver.find_element(By.CSS_SELECTOR, "#compare-form button[type=submit]"))
    assert urllib.parse.urlsplit(driver.current_url).path in (f"/trace/{shallow['traceId']}...{deep['traceId']}",
                                                              f"/trace/{deep['traceId']}...{shallow['traceId']}"), driver.current_url
    assert len(driver.find_elements(By.CSS_SELECTOR, "#compare tr.only-a, #compare tr.only-b")) == deep["spanCount"] - shallow["spanCount"]
    browser().assert_no_console_errors(driver.current_url)


@test
def the_pages_read_fully_without_javascript(t):
    trellis, _ = filled()
    plain = Browser(javascript=False)
    try:
        driver = plain.open(trellis.url("query", "/search?service=demo-service&tags=error%3Dtrue&lookback=1h&limit=100"), "no-script-search")
        assert driver.find_elements(By.CSS_SELECTOR, "#results tr.trace") and driver.find_elements(By.CSS_SELECTOR, "#scatter circle")
        [chain] = sorted(search_summaries(trellis, "node-service", "POST /api/chain"), key=lambda s: -s["spanCount"])[:1]
        driver = plain.open(trellis.url("query", f"/trace/{chain['traceId']}"), "no-script-trace")
        rows = driver.find_elements(By.CSS_SELECTOR, "#waterfall .row")
        assert len(rows) == chain["spanCount"] and all(r.is_displayed() for r in rows)
        assert rows[0].get_attribute("tabindex") is None  # the page's script (which makes rows focusable) did not run
        detail = rows[-1].find_element(By.XPATH, "following-sibling::details[1]")
        detail.find_element(By.TAG_NAME, "summary").click()  # <details> opens with no script
        assert detail.find_element(By.TAG_NAME, "h4").is_displayed()
        first = driver.find_element(By.CSS_SELECTOR, "#waterfall details.span > summary")
        first.click()  # and folds a subtree
        assert not rows[1].is_displayed()
        driver = plain.open(trellis.url("query", "/dependencies?lookback=1h"), "no-script-dependencies")
        assert len(driver.find_elements(By.CSS_SELECTOR, "#graph a.node")) >= 3
    finally:
        plain.quit()


@test
def dark_mode_follows_the_system_setting(t):
    trellis, _ = filled()
    driver = browser().driver
    chains = sorted(search_summaries(trellis, "node-service", "POST /api/chain"), key=lambda s: s["spanCount"])
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    try:
        browser().open(trellis.url("query", f"/trace/{chains[-1]['traceId']}"), "dark-trace")
        assert driver.execute_script("return getComputedStyle(document.body).backgroundColor") == "rgb(21, 25, 30)"
        browser().open(trellis.url("query", f"/trace/{chains[0]['traceId']}...{chains[-1]['traceId']}"), "dark-compare")
        # Marked rows keep their light backgrounds, so their text stays dark enough to read.
        row = driver.find_element(By.CSS_SELECTOR, "#compare tr.only-b")
        assert driver.execute_script("return getComputedStyle(arguments[0]).color", row) == "rgb(34, 34, 34)"
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


@test
def the_statistics_flame_graph_and_table_views_render(t):
    trellis, _ = filled()
    [chain] = sorted(search_summaries(trellis, "node-service", "POST /api/chain"), key=lambda s: -s["spanCount"])[:1]
    for view in ("statistics", "flamegraph", "table"):
        driver = browser().open(trellis.url("query", f"/trace/{chain['traceId']}?view={view}"), f"trace-{view}")
        assert driver.find_element(By.CSS_SELECTOR, "p.tabs b").text == view
    assert len(driver.find_elements(By.CSS_SELECTOR, "#span-table tr")) == chain["spanCount"] + 1
    # The JSON tab downloads the trace as OTLP/JSON.
    link = driver.find_element(By.LINK_TEXT, "JSON")
    assert link.get_attribute("download") == f"trace-{chain['traceId']}.json"
    status, _, body = http("GET", link.get_attribute("href"))
    spans = [s for rs in json.loads(body)["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]]
    assert status == 200 and len(spans) == chain["spanCount"] and {s["traceId"] for s in spans} == {chain["traceId"]}, (status, len(spans))


@test
def the_monitor_page_charts_a_service_and_links_its_operations(t):
    trellis, _ = filled()
    # The connector flushes its per-minute counts to the archive each second.
    assert wait_until(lambda: b"GET /api/greeting" in http("GET", trellis.url("query", "/monitor?service=demo-service"))[2])
    driver = browser().open(trellis.url("query", "/monitor?service=demo-service&lookback=1h"), "monitor")
    # Each chart draws every point with data, as a line or a lone dot (a minute or two of data in the hour).
    charts = driver.find_elements(By.CSS_SELECTOR, ".charts figure")
    assert len(charts) == 3
    for chart in charts:
        marks = chart.find_elements(By.CSS_SELECTOR, "polyline, circle")
        assert marks and all(m.size["width"] > 0 for m in marks), chart.get_attribute("innerHTML")
    rows = {r.find_element(By.TAG_NAME, "a").text: r for r in driver.find_elements(By.CSS_SELECTOR, "#operations tr")[1:]}
    assert "GET /api/greeting" in rows and "POST /api/simulate" in rows, list(rows)
    simulate = [td.text for td in rows["POST /api/simulate"].find_elements(By.TAG_NAME, "td")]
    assert simulate[2] != "0%", simulate  # the error flow's 500s
    browser().click_through(rows["GET /api/greeting"].find_element(By.TAG_NAME, "a"))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(driver.current_url).query)
    assert query["service"] == ["demo-service"] and query["operation"] == ["GET /api/greeting"], driver.current_url


@test
def every_page_fits_a_narrow_window(t):
    trellis, _ = filled()
    narrow = Browser(width=480, height=900)
    try:
        [chain] = search_summaries(trellis, "node-service", "POST /api/chain")[:1]
        for name, path in (("search", "/search?service=node-service&lookback=1h"), ("trace", f"/trace/{chain['traceId']}"),
                           ("dependencies", "/dependencies?lookback=1h")):
            driver = narrow.open(trellis.url("query", path), f"narrow-{name}")
            overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (path, overflow)
    finally:
        narrow.quit()


@test
def the_login_cookie_opens_the_pages_and_without_it_they_are_refused(t):
    token_file = os.path.join(WORK, f"ui-token-{free_port()}")
    with open(token_file, "w") as f:
        f.write("ui-s3cret\n")
    guarded = Trellis(exporter=store_exporter(token_file + ".db"), exporter_name="trellis_store",
                      query=f"  auth: {{ bearer_token_file: {token_file} }}\n").start()
    try:
        driver = browser().open(guarded.url("query", "/search"), console_clean=False)
        assert "Error 401" in driver.title and driver.find_element(By.LINK_TEXT, "Log in")
        browser().click_through(driver.find_element(By.LINK_TEXT, "Log in"))
        driver.find_element(By.NAME, "token").send_keys("wrong")
        browser().click_through(driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
        assert "not valid" in driver.page_source and driver.get_cookie("trellis_token") is None
        driver.find_element(By.NAME, "token").send_keys("ui-s3cret")
        browser().click_through(driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
        assert urllib.parse.urlsplit(driver.current_url).path == "/search", driver.current_url
        assert driver.find_elements(By.CSS_SELECTOR, "form.search"), driver.page_source[:3000]
        cookie = driver.get_cookie("trellis_token")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["value"] == "ui-s3cret", cookie
        assert driver.execute_script("return document.cookie") == ""  # HttpOnly: no script can read it
        driver.get(guarded.url("query", "/dependencies"))
        assert driver.title.startswith("Dependencies"), driver.title
        driver.delete_all_cookies()
        driver.get(guarded.url("query", "/dependencies"))
        assert "Error 401" in driver.title
        driver.get_log("browser")  # the refusals' own console lines
    finally:
        assert guarded.stop() == 0


@test
def ui_browser_and_trellis_stop_cleanly(t):
    filled()
    browser().quit()
    assert _ui["trellis"].stop() == 0
