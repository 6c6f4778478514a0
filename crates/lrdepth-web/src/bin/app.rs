//! Entry point of the page's main thread.

fn main() {
    lrdepth_web::app::install_panic_hook();
    if console_log::init_with_level(log::Level::Info).is_err() {
        web_sys::console::warn_1(&"a logger was already installed".into());
    }
    if let Err(error) = lrdepth_web::app::start() {
        lrdepth_web::app::report_error(error);
    }
}
