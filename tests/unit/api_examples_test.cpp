// The one-line examples of docs/api.md, one test case per public header. The
// page cuts its code blocks from this file (tests/docs/check_snippets.py), so
// every example there compiles and runs, here on the virtual clock.
#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

using namespace std::chrono_literals;

TEST_CASE("api.md: gofer/runtime.hpp") {
  std::ostringstream out;
  // clang-format off
  // --- gofer/runtime.hpp
  int answer = gofer::run([] { return 42; });                   // run(main): main's result
  gofer::run([] {}, {.threads = 2, .virtual_time = true});      // run_options: threads, stack_size,
                                                                // guard_pages, virtual_time,
                                                                // detect_deadlock, dump_on_sigquit
  gofer::run([&out] {
    gofer::go([](int n) { CHECK(n == 1); }, 1);                 // go(f, args...): Go's go f(args)
    gofer::go(gofer::named{"worker"}, [] {});                   // go(named{"x"}, f): named in dumps
    gofer::yield();                                             // yield(): runtime.Gosched
    gofer::dump(out);                                           // dump(out): every goroutine, a line each
  });
  std::size_t cpus = gofer::num_cpu();                          // num_cpu(): runtime.NumCPU
  std::size_t threads = gofer::default_threads();               // default_threads(): GOFER_MAXPROCS or num_cpu()
  // ---
  // clang-format on
  CHECK(answer == 42);
  CHECK(cpus >= 1);
  CHECK(threads >= 1);
}

TEST_CASE("api.md: gofer/chan.hpp and gofer/select.hpp") {
  gofer::run(
      [] {
        // clang-format off
        // --- gofer/chan.hpp
        gofer::chan<int> ch = gofer::make_chan<int>(1);         // make_chan<T>(n): make(chan T, n)
        gofer::chan<int> nil;                                   // chan<T>{}: the nil channel
        gofer::send_chan<int> out = ch;                         // send_chan<T>: chan<- T
        gofer::recv_chan<int> in = ch;                          // recv_chan<T>: <-chan T
        out.send(1);                                            // send(v): ch <- v
        auto [v, ok] = in.recv();                               // recv(): v, ok := <-ch
        bool sent = out.try_send(2);                            // try_send(v): false if it would block
        std::optional<gofer::received<int>> got = in.try_recv();  // try_recv(): empty if it would block
        out.send(3);
        int three = in.get();                                   // get(): <-ch (T{} once closed)
        std::size_t n = ch.len(), room = ch.cap();              // len(), cap()
        auto stop = gofer::make_chan<gofer::signal>();          // signal: struct{}
        stop.close();                                           // close(): close(ch)
        for (gofer::signal s : stop) (void)s;                   // range-for: for v := range ch
        std::optional<gofer::signal> none = stop.recv_optional();  // recv_optional(): any T
        // ---
        // clang-format on
        CHECK(nil.cap() == 0);
        CHECK((v == 1 && ok && sent && got && got->value == 2 && three == 3));
        CHECK((n == 0 && room == 1 && !none));

        auto a = gofer::make_chan<int>(1);
        auto b = gofer::make_chan<int>(1);
        a.send(7);
        int x = 0;
        bool x_ok = false;
        std::optional<int> maybe;
        auto quit = gofer::make_chan<gofer::signal>();
        // clang-format off
        // --- gofer/select.hpp
        std::size_t i = gofer::select(gofer::recv_case(a, x), gofer::send_case(b, 8));  // index run
        gofer::select(gofer::recv_case(b, x, x_ok), gofer::default_case());  // v, ok := <-b; default
        gofer::select(gofer::recv_case(a, maybe), gofer::default_case());    // into an optional
        gofer::select(gofer::recv_case(a), gofer::default_case());           // <-a, value dropped
        gofer::select(gofer::send_case(quit), gofer::default_case());        // a send of signal{}
        gofer::select(gofer::on_recv(a, [](int v, bool ok) { (void)v, (void)ok; }),  // with handlers:
                      gofer::on_send(b, 9, [] {}),                                   // on_recv, on_send,
                      gofer::on_default([] {}));                                     // on_default
        gofer::select(gofer::on_recv_optional(a, [](std::optional<int> v) { (void)v; }),
                      gofer::on_default([] {}));                             // on_recv_optional
        // ---
        // clang-format on
        CHECK(i < 2);
        (void)x_ok;
      },
      {.virtual_time = true});
}

TEST_CASE("api.md: gofer/time.hpp") {
  gofer::run(
      [] {
        // clang-format off
        // --- gofer/time.hpp
        gofer::time_point start = gofer::now();                 // now(): time.Now (steady_clock)
        gofer::sleep(10ms);                                     // sleep(d): time.Sleep
        gofer::sleep_until(start + 20ms);                       // sleep_until(t)
        gofer::duration d = gofer::since(start);                // since(t): time.Since
        gofer::recv_chan<gofer::time_point> c = gofer::after(1s);  // after(d): time.After
        gofer::timer t{1s};                                     // timer{d}: time.NewTimer; t.c
        bool was_pending = t.stop();                            // stop(), reset(d): Go 1.23's
        gofer::ticker tk{100ms};                                // ticker{d}: time.NewTicker; tk.c
        gofer::time_point due = tk.c.get();                     // tick k is due at start + k*d
        tk.reset(50ms);                                         // reset(d), stop()
        auto ticks = gofer::tick(1s);                           // tick(d): time.Tick
        gofer::timer later = gofer::after_func(1s, [] {});      // after_func(d, f): time.AfterFunc
        std::string text = gofer::format_duration(1500ms);      // format_duration: "1.5s"
        gofer::duration parsed = gofer::parse_duration("2h45m");  // parse_duration: time.ParseDuration
        gofer::time_point never = gofer::add_saturating(start, gofer::duration::max());  // no wrap
        // ---
        // clang-format on
        CHECK(d == 20ms);
        CHECK(c.cap() == 0);
        CHECK(was_pending);
        CHECK(due == gofer::now());
        CHECK(ticks.cap() == 0);
        CHECK(later.stop());
        CHECK(text == "1.5s");
        CHECK(parsed == 2h + 45min);
        CHECK(never == gofer::time_point::max());
      },
      {.virtual_time = true});
}

TEST_CASE("api.md: gofer/synctest.hpp") {
  gofer::run(
      [] {
        bool ran = false;
        gofer::go([&ran] { ran = true; });
        // clang-format off
        // --- gofer/synctest.hpp
        gofer::synctest::wait();                                // until every other goroutine blocks
        // ---
        // clang-format on
        CHECK(ran);
      },
      {.virtual_time = true});
}

namespace {
const gofer::context_key<std::string> request_id{"request_id"};  // a typed key, by address
}  // namespace

TEST_CASE("api.md: gofer/context.hpp") {
  gofer::run(
      [] {
        // clang-format off
        // --- gofer/context.hpp
        gofer::context root = gofer::background();              // background(), todo()
        auto [ctx, cancel] = gofer::with_cancel(root);          // with_cancel: context.WithCancel
        auto [tctx, tcancel] = gofer::with_timeout(root, 1s);   // with_timeout, with_deadline
        auto [cctx, ccancel] = gofer::with_cancel_cause(root);  // with_cancel_cause(parent)
        ccancel(std::make_exception_ptr(std::runtime_error("shutdown")));  // cancel with a cause
        gofer::failure why = gofer::cause(cctx);                // cause(ctx): context.Cause
        auto [dctx, dcancel] = gofer::with_timeout_cause(root, 1s,  // with_timeout_cause,
            std::make_exception_ptr(std::runtime_error("slow")));   // with_deadline_cause
        gofer::context vctx = gofer::with_value(ctx, request_id, std::string("abc"));  // with_value
        const std::string* id = vctx.value(request_id);         // value(key): null if absent
        gofer::context detached = gofer::without_cancel(vctx);  // without_cancel: Go 1.21
        gofer::stop_func stop = gofer::after_func(ctx, [] {});  // after_func(ctx, f): Go 1.21
        cancel();                                               // cancel(): idempotent
        gofer::recv_chan<gofer::signal> done = ctx.done();      // done(): closed when cancelled
        std::error_code err = ctx.err();                        // err(): canceled, deadline_exceeded
        std::optional<gofer::time_point> deadline = tctx.deadline();  // deadline()
        std::string text = gofer::to_string(vctx);              // to_string: Go's String()
        gofer::tie(ctx, cancel) = gofer::with_cancel(root);     // tie: ctx, cancel = ...
        // ---
        // clang-format on
        CHECK(why.message() == "shutdown");
        CHECK((id != nullptr && *id == "abc"));
        CHECK(!detached.err());
        CHECK(!stop());  // f was started already: ctx was cancelled
        CHECK(done.recv_optional() == std::nullopt);
        CHECK(err == gofer::canceled);
        CHECK(deadline.has_value());
        CHECK(text == "context.Background.WithCancel.WithValue(request_id, abc)");
        CHECK(!ctx.err());
        tcancel();
        dcancel();
        cancel();
      },
      {.virtual_time = true});
}

TEST_CASE("api.md: gofer/sync.hpp") {
  gofer::run(
      [] {
        int total = 0;
        // clang-format off
        // --- gofer/sync.hpp
        gofer::wait_group wg;                                   // wait_group: sync.WaitGroup, a handle
        wg.add(1);                                              // add(n), done(), wait()
        gofer::go([wg] { wg.done(); });
        wg.go([&total] { total += 1; });                        // go(f): Go 1.25's wg.Go(f)
        wg.wait();
        gofer::mutex mu;                                        // mutex: sync.Mutex (lock, unlock,
        std::lock_guard lock{mu};                               // try_lock; a Lockable)
        gofer::once once;                                       // once: sync.Once
        once.call([&total] { total += 10; });                   // call(f): once.Do(f)
        // ---
        // clang-format on
        CHECK(total == 11);
      },
      {.virtual_time = true});
}

TEST_CASE("api.md: gofer/group.hpp") {
  gofer::run(
      [] {
        // clang-format off
        // --- gofer/group.hpp
        gofer::error_group g;                                   // error_group: errgroup.WithContext
        g.set_limit(2);                                         // set_limit(n): SetLimit
        g.go([](const gofer::context& ctx) { (void)ctx; });     // go(f): f may take the group's ctx
        bool started = g.try_go([] {});                         // try_go(f): TryGo
        gofer::failure err = g.wait();                          // wait(): the first failure, or empty
        gofer::task<int> t = gofer::spawn([] { return 6 * 7; });  // spawn(f): asyncio.create_task
        gofer::task<void> w = gofer::spawn([](const gofer::context& ctx) { ctx.done().recv(); });
        w.cancel();                                             // cancel(): cancels its context
        int result = t.get();                                   // get(): result, or rethrows
        w.wait();                                               // wait(), done(), finished(), failed()
        auto [a, b] = gofer::gather(t, gofer::spawn([] { return 1; }));  // gather: a tuple
        gofer::gather(w, gofer::spawn([] {}));                  // gather of task<void>: void
        std::vector<gofer::task<int>> tasks{t};
        auto [done, pending] = gofer::wait(tasks, gofer::return_when::first_completed);  // wait
        // ---
        // clang-format on
        CHECK(started);
        CHECK(!err);
        CHECK(result == 42);
        CHECK((a == 42 && b == 1));
        CHECK((done.size() == 1 && pending.empty()));
      },
      {.virtual_time = true});
}

TEST_CASE("api.md: gofer/errors.hpp and gofer/defer.hpp") {
  gofer::run(
      [] {
        auto ch = gofer::make_chan<int>();
        ch.close();
        // clang-format off
        // --- gofer/errors.hpp
        try { ch.send(1); } catch (const gofer::send_on_closed_channel&) {}  // one class per panic,
        try { ch.close(); } catch (const gofer::error& e) { (void)e; }       // all a gofer::error
        gofer::failure f = std::make_exception_ptr(std::system_error(gofer::deadline_exceeded));
        bool timed_out = f == gofer::deadline_exceeded;         // failure == code: errors.Is
        bool is_system = f.holds<std::system_error>();          // holds<E>(): errors.As
        std::string message = f.message();                      // message(): err.Error()
        bool timeout = gofer::is_timeout(f.code());             // is_timeout(code): Timeout()
        // ---
        // clang-format on
        CHECK((timed_out && is_system && timeout));
        CHECK(message == "context deadline exceeded");

        int closed = 0;
        {
          // clang-format off
          // --- gofer/defer.hpp
          gofer::defer close_out{[&closed] { ++closed; }};      // defer: runs at scope exit
          // ---
          // clang-format on
        }
        CHECK(closed == 1);
      },
      {.virtual_time = true});
}

TEST_CASE("api.md: gofer/fmt.hpp and gofer/version.hpp") {
  gofer::run(
      [] {
        auto [ctx, cancel] = gofer::with_cancel(gofer::background());
        // clang-format off
        // --- gofer/fmt.hpp
        std::string a = fmt::format("{}", 1500ms);              // a duration: "1.5s"
        std::string b = fmt::format("{:.3}", 10s + 1ms);        // a precision cuts the text: "10."
        std::string c = fmt::format("{}", gofer::received<int>{7, true});  // "7 true"
        std::string d = fmt::format("{}", ctx);                 // "context.Background.WithCancel"
        std::string e = fmt::format("{}", gofer::failure{});    // a failure; empty: "<nil>"
        // ---
        // --- gofer/version.hpp
        static_assert(GOFER_VERSION >= 100);                    // GOFER_VERSION_MAJOR, _MINOR, _PATCH
        // ---
        // clang-format on
        CHECK(a == "1.5s");
        CHECK(b == "10.");
        CHECK(c == "7 true");
        CHECK(d == "context.Background.WithCancel");
        CHECK(e == "<nil>");
        cancel();
      },
      {.virtual_time = true});
}

TEST_CASE("api.md: gofer/net.hpp") {
  std::string reply;
  // clang-format off
  // --- gofer/net.hpp
  gofer::run([&reply] {
    auto [ln, err] = gofer::net::listen("tcp", "127.0.0.1:0");   // listen: net.Listen
    gofer::go([ln = ln] {
      auto [c, accept_err] = ln.accept();                          // accept(): Accept; errc::closed after close()
      char buffer[64];
      auto [n, read_err] = c.read(buffer);                         // read(span): Read; errc::eof at the end
      c.write(std::string_view(buffer, n));                        // write(data): Write, all of it
      c.close();                                                   // close(): Close
    });
    auto [c, dial_err] = gofer::net::dial("tcp", ln.addr());       // dial: net.Dial; addr(): Addr().String()
    c.set_deadline(gofer::now() + 5s);                             // set_deadline: SetDeadline (errc::timeout)
    c.write("ping");
    char buffer[64];
    auto [n, read_err] = c.read(buffer);
    reply.assign(buffer, n);
    auto [ctx, cancel] = gofer::with_cancel(gofer::background());
    cancel();
    CHECK(c.read(ctx, buffer).err == gofer::canceled);             // read(ctx, span): ends with ctx.err()
    auto [parts, split_err] = gofer::net::split_host_port(ln.addr());  // split_host_port: SplitHostPort
    CHECK(gofer::net::join_host_port(parts.host, parts.port) == ln.addr());  // join_host_port
    ln.close();
  });
  // ---
  // clang-format on
  CHECK(reply == "ping");
}

TEST_CASE("api.md: gofer/exec.hpp and gofer/signal.hpp") {
  std::string hello;
  int code = 0;
  int caught = 0;
  // clang-format off
  // --- gofer/exec.hpp
  gofer::run([&] {
    auto [out, err] = gofer::exec::command("echo", "hello").output();  // output(): Cmd.Output
    hello = out;
    gofer::failure failed = gofer::exec::command("sh", "-c", "exit 3").run();  // run(): Cmd.Run
    code = gofer::exec::as_exit_error(failed)->state().exit_code();  // as_exit_error: errors.As(err, &exitErr)
    auto [ctx, cancel] = gofer::with_timeout(gofer::background(), 10ms);
    gofer::exec::cmd slow = gofer::exec::command_context(ctx, "sleep", "5");  // command_context: exec.CommandContext
    CHECK(slow.run().message() == "signal: killed");             // the process (group) is killed
  });
  // --- gofer/signal.hpp
  gofer::run([&caught] {
    auto signals = gofer::make_chan<int>(1);
    gofer::signals::notify(signals, {SIGUSR1});                  // signals::notify: signal.Notify
    ::kill(::getpid(), SIGUSR1);
    caught = signals.get();
    gofer::signals::stop(signals);                               // signals::stop: signal.Stop
    auto [ctx, stop] = gofer::signals::notify_context(gofer::background(), {SIGUSR2});  // NotifyContext
    stop();
  });
  // ---
  // clang-format on
  CHECK(hello == "hello\n");
  CHECK(code == 3);
  CHECK(caught == SIGUSR1);
}

TEST_CASE("api.md: gofer/http.hpp") {
  std::string body;
  int status = 0;
  // clang-format off
  // --- gofer/http.hpp
  gofer::run([&] {
    gofer::http::serve_mux mux;                                  // serve_mux: http.ServeMux (Go 1.22 patterns)
    mux.handle_func("GET /hello", [](gofer::http::response_writer& w, const gofer::http::request& r) {
      w.header().set("Content-Type", "text/plain");              // header(): w.Header()
      w.write("hello, " + r.query("name") + "\n");               // write: w.Write; query: r.URL.Query().Get
    });
    gofer::http::server srv{mux, {.read_header_timeout = 5s}};   // server: http.Server
    auto [ln, err] = gofer::net::listen("tcp", "127.0.0.1:0");
    gofer::go([srv, ln = ln] { srv.serve(ln); });                // serve(ln): Serve; errc::server_closed after shutdown
    gofer::http::client client;                                  // client: http.Client, keep-alive pool per host
    auto [resp, get_err] = client.get("http://" + ln.addr() + "/hello?name=go");  // get: Client.Get
    body = resp.body;
    status = resp.status_code;
    client.close_idle_connections();                             // CloseIdleConnections
    srv.shutdown(gofer::background());                           // shutdown(ctx): Shutdown, graceful
  });
  // ---
  // clang-format on
  CHECK(status == 200);
  CHECK(body == "hello, go\n");
}
