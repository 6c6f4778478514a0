//! Embed mode in a blog page served from a second loopback origin: the
//! height messages, the resize script quoted in the README, a sweep inside
//! the frame, and the embed screenshot.

use std::fs;
use std::time::{Duration, Instant};

use lrdepth_tests::{StaticServer, artifacts_dir, repo_root};
use serde_json::{Value, json};

use crate::fixture::{LOAD_TIMEOUT, Page, RUN_TIMEOUT};
use crate::share::displayed;

const HEIGHT_TIMEOUT: Duration = Duration::from_secs(20);

/// Returns the resize script of the README's embed example: the lines
/// between the `<script>` and `</script>` that follow its `<iframe`.
fn readme_script() -> String {
    let readme = fs::read_to_string(repo_root().join("README.md")).expect("README.md is readable");
    let after_frame = &readme[readme
        .find("<iframe")
        .expect("README has an <iframe example")..];
    let start = after_frame
        .find("<script>\n")
        .expect("README has a <script> after the iframe")
        + "<script>\n".len();
    let end = after_frame[start..]
        .find("\n</script>")
        .expect("README closes its <script>");
    after_frame[start..start + end].to_string()
}

/// Returns the iframe element of an embed code.
fn iframe_of(code: &str) -> &str {
    let start = code.find("<iframe").expect("the embed code has an iframe");
    let end = code
        .find("</iframe>")
        .expect("the embed code closes its iframe")
        + "</iframe>".len();
    &code[start..end]
}

/// Builds the blog page: text, the frame from the page's embed code, the
/// README's resize script unchanged, and a recorder of height messages.
fn blog_page(frame: &str, script: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>A blog post</title>\n\
         <link rel=\"icon\" href=\"data:,\">\n\
         <style>body {{ font: 17px/1.6 Georgia, serif; max-width: 820px; margin: 24px auto; padding: 0 16px; }}</style>\n\
         </head><body>\n<h1>Why deep networks need smaller steps</h1>\n\
         <p>Press Run below: the frame trains small ReLU networks in your browser.</p>\n\
         {frame}\n<script>\n{script}\n</script>\n\
         <script>window.heights = []; window.addEventListener(\"message\", (event) => {{ \
         if (event.data && event.data.type === \"lrdepth:height\") \
         window.heights.push([event.origin, event.data.height]); }});</script>\n\
         <p>The text of the post goes on below the frame.</p>\n</body></html>\n"
    )
}

/// Waits until the parent has a height message and the frame is as tall
/// as the last message reports. Returns (origin, height) of that message.
async fn wait_for_frame_height(page: &Page, previous: Option<f64>) -> (String, f64) {
    let script = "const frame = document.querySelector('iframe'); \
                  return { heights: window.heights, frame: frame.getBoundingClientRect().height };";
    let start = Instant::now();
    loop {
        let value = page.browser.execute(script, vec![]).await;
        let last = value["heights"].as_array().and_then(|h| h.last()).cloned();
        if let Some(Value::Array(last)) = last {
            let origin = last[0].as_str().unwrap_or_default().to_string();
            let height = last[1].as_f64().unwrap_or_default();
            let frame = value["frame"].as_f64().unwrap_or_default();
            let changed = previous.is_none_or(|p| (p - height).abs() > 1.0);
            if changed && (frame - height).abs() < 1.0 {
                return (origin, height);
            }
        }
        if start.elapsed() > HEIGHT_TIMEOUT {
            panic!("no new height message sized the frame within {HEIGHT_TIMEOUT:?}: {value}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn embed_in_other_origin() {
    let query = "/?eta0=0.1,0.5,2,8&depths=1,2,4,8&steps=60&width=32&samples=32&plot=depth";
    let page = Page::open("embed", query).await;
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    let code = page.value("#embed-code").await;
    let script = readme_script();
    assert!(
        code.contains(&script),
        "the embed code should carry the README's resize script verbatim:\n{code}\n---\n{script}"
    );
    assert!(
        code.contains("embed=1"),
        "the frame should open in embed mode: {code}"
    );
    assert!(
        code.contains("plot=depth"),
        "the frame should keep the plot: {code}"
    );

    let blog_dir = tempfile::tempdir().expect("failed to create the blog folder");
    fs::write(
        blog_dir.path().join("post.html"),
        blog_page(iframe_of(&code), &script),
    )
    .expect("failed to write the blog page");
    let blog = StaticServer::start(blog_dir.path());
    assert_ne!(
        blog.url(),
        page.server_url(),
        "the blog needs its own origin"
    );
    page.browser
        .goto(&format!("{}/post.html", blog.url()))
        .await;

    let (origin, first_height) = wait_for_frame_height(&page, None).await;
    assert_eq!(
        origin,
        page.server_url(),
        "the message should come from the page's origin"
    );
    assert!(
        first_height > 300.0,
        "the embed should be taller than 300 px: {first_height}"
    );
    let isolated = page
        .browser
        .execute("return window.crossOriginIsolated;", vec![])
        .await;
    assert_eq!(
        isolated,
        json!(false),
        "the blog is not cross-origin isolated"
    );

    let client = page.browser.client();
    client
        .enter_frame(0)
        .await
        .expect("failed to enter the frame");
    page.wait_for_state("idle", LOAD_TIMEOUT).await;
    for (selector, expected) in [
        ("body > header", false),
        ("#share", false),
        ("#runs", false),
        ("#explain", false),
        ("#plot-rate", false),
        ("#plot-depth", true),
        ("#controls", true),
        ("#open-full", true),
    ] {
        assert_eq!(
            displayed(&page, selector).await,
            expected,
            "in the embed, {selector} should be displayed: {expected}"
        );
    }
    page.click("#run").await;
    page.wait_for_state("done", RUN_TIMEOUT).await;
    let drawing = page.canvas_drawing("plot-depth").await;
    assert!(
        drawing.aria_label.contains("16 runs finished"),
        "the frame's plot should show the runs: {}",
        drawing.aria_label
    );
    client
        .enter_parent_frame()
        .await
        .expect("failed to leave the frame");
    // A window tall enough for the whole post keeps the top page free of
    // a scroll bar, whose width would change the frame's width and height
    // again while the screenshot is taken.
    page.browser.set_window_size(1280, 1400).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    wait_for_frame_height(&page, None).await;
    client
        .enter_frame(0)
        .await
        .expect("failed to enter the frame");
    let widths = page
        .browser
        .execute(
            "return [document.documentElement.clientWidth, window.innerWidth];",
            vec![],
        )
        .await;
    assert_eq!(
        widths[0], widths[1],
        "the frame should show no scroll bar: {widths}"
    );
    client
        .enter_parent_frame()
        .await
        .expect("failed to leave the frame");
    page.browser
        .save_screenshot(&artifacts_dir().join("embed.png"))
        .await;

    // A narrower window reflows the form and the plots: the page reports
    // its new height and the script resizes the frame to it.
    page.browser.set_window_size(700, 1000).await;
    wait_for_frame_height(&page, Some(first_height)).await;

    let errors = page.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    drop(blog);
    page.close().await;
}
