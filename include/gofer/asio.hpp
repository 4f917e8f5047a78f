// gofer/asio.hpp - any Boost.Asio asynchronous operation, called from a
// goroutine as a blocking call: gofer::use_go parks only the goroutine.
//
//   boost::asio::ip::tcp::socket socket{gofer::io_executor()};
//   socket.async_connect(endpoint, gofer::use_go);               // throws on error
//   std::size_t n = socket.async_read_some(buffer, gofer::use_go);
//   boost::system::error_code ec;
//   n = socket.async_read_some(buffer, gofer::use_go[ec]);       // Go's (n, err)
//   n = socket.async_read_some(buffer, gofer::use_go(ctx));      // cancelled by ctx
//
// This is the one public header that includes Boost: its purpose is to plug
// into Asio. gofer/net.hpp, exec.hpp and signal.hpp are Go-shaped facades
// built on it that need no Boost header.
//
// The operation runs on the runtime's own io_context (io_executor()), which
// the workers poll (lib/io_service.hpp): the completion readies the
// goroutine on the worker that saw it, as a channel send would. While an
// operation is pending the runtime is not deadlocked.
//
// What the call returns, from the operation's completion signature:
//   void(error_code, T)  -> T, or throws boost::system::system_error
//   void(error_code)     -> void, or throws
//   void(exception_ptr, T...) -> the same, rethrowing
//   void(T1, T2, ...)    -> std::tuple<T1, T2, ...>;  void(T) -> T;  void() -> void
// use_go[ec] stores the error in ec instead of throwing (values are then
// value-initialized where the operation gave none).
//
// Cancellation: use_go(ctx) cancels the operation (Asio's terminal
// cancellation, through its cancellation slot) when ctx is done, waits for
// it to end, and reports ctx.err() (canceled or deadline_exceeded, as a
// boost::system::error_code) instead of operation_aborted, unless the
// operation had already succeeded. This goes beyond Go, where a blocked
// Read ends only by a deadline or Close. An operation that does not support
// cancellation slots runs to its end.
//
// Shutdown: a goroutine unwound while its operation is pending (run ends, or
// a deadlock is reported) cancels the operation and waits for its
// completion before its stack, and the buffers on it, go away.
//
// Asio objects (sockets, timers) made on io_executor() must be destroyed
// before the gofer::run that made them returns. Completion handlers of your
// own (callbacks, not use_go) run on a worker outside any goroutine: they
// must not block; start a goroutine from them with gofer::go.
#pragma once

#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include "gofer/chan.hpp"
#include "gofer/context.hpp"
#include "gofer/select.hpp"

namespace gofer {

namespace detail {
class io_service;
// The calling goroutine's runtime's poller; throws runtime_misuse outside
// gofer::run.
io_service& current_io_service();
boost::asio::io_context& io_context_of(io_service& io) noexcept;
void io_operation_started(io_service& io) noexcept;
void io_operation_finished(io_service& io) noexcept;
// Runs the poller from this thread (sharing it with the workers) until
// `done`: for a goroutine that unwinds with an operation pending.
void io_run_until(io_service& io, const std::atomic<bool>& done) noexcept;
}  // namespace detail

// The io_context of the calling goroutine's runtime, and its executor: make
// Asio I/O objects on it. Throws runtime_misuse outside gofer::run.
inline boost::asio::io_context& io_context() {
  return detail::io_context_of(detail::current_io_service());
}
inline boost::asio::io_context::executor_type io_executor() {
  return io_context().get_executor();
}

// The completion token. use_go, use_go[ec], use_go(ctx), use_go(ctx)[ec].
class use_go_t {
 public:
  use_go_t() = default;
  use_go_t operator()(context ctx) const {
    use_go_t token = *this;
    token.ctx_ = std::move(ctx);
    token.has_ctx_ = true;
    return token;
  }
  use_go_t operator[](boost::system::error_code& ec) const {
    use_go_t token = *this;
    token.ec_ = &ec;
    return token;
  }

  const context* ctx() const noexcept { return has_ctx_ ? &ctx_ : nullptr; }
  boost::system::error_code* error_out() const noexcept { return ec_; }

  // For wrappers that must start an operation under their own lock but not
  // wait under it (gofer::net: Asio objects are not thread-safe): `lock` is
  // released once the operation has started, before the goroutine parks.
  use_go_t unlocking_after_start(std::unique_lock<std::mutex>& lock) const {
    use_go_t token = *this;
    token.start_lock_ = &lock;
    return token;
  }
  std::unique_lock<std::mutex>* start_lock() const noexcept { return start_lock_; }

 private:
  context ctx_;
  bool has_ctx_ = false;
  boost::system::error_code* ec_ = nullptr;
  std::unique_lock<std::mutex>* start_lock_ = nullptr;
};

inline const use_go_t use_go{};

namespace detail {

// std::error_code (gofer's context errors) as Boost's.
inline boost::system::error_code to_boost(const std::error_code& ec) noexcept {
  return boost::system::error_code(ec);
}

template <class... Values>
struct io_values {
  using type = std::tuple<Values...>;
};
template <class Value>
struct io_values<Value> {
  using type = Value;
};
template <>
struct io_values<> {
  using type = void;
};

enum class io_error_kind { none, error_code, exception };

template <class... Args>
struct io_signature {
  static constexpr io_error_kind error = io_error_kind::none;
  using return_type = typename io_values<Args...>::type;
};
template <class... Rest>
struct io_signature<boost::system::error_code, Rest...> {
  static constexpr io_error_kind error = io_error_kind::error_code;
  using return_type = typename io_values<Rest...>::type;
};
template <class... Rest>
struct io_signature<std::exception_ptr, Rest...> {
  static constexpr io_error_kind error = io_error_kind::exception;
  using return_type = typename io_values<Rest...>::type;
};

template <class... Args>
class use_go_operation {
 public:
  using values = std::tuple<std::decay_t<Args>...>;
  using signature = io_signature<std::decay_t<Args>...>;
  using return_type = typename signature::return_type;

  struct state {
    explicit state(io_service& io) : io(io) {}
    io_service& io;
    std::optional<values> result;
    boost::asio::cancellation_signal cancel;
    std::atomic<bool> done{false};
    chan<signal> ready = make_chan<signal>(1);
  };

  // The handler Asio calls, on a worker, in the poller.
  class handler {
   public:
    explicit handler(std::shared_ptr<state> s) noexcept : state_(std::move(s)) {}
    using cancellation_slot_type = boost::asio::cancellation_slot;
    cancellation_slot_type get_cancellation_slot() const noexcept { return state_->cancel.slot(); }
    void operator()(Args... args) {
      state_->result.emplace(std::forward<Args>(args)...);
      state_->done.store(true, std::memory_order_release);
      state_->ready.try_send(signal{});  // buffered: never blocks; readies the goroutine
      // Last: until here the operation counts as pending, so a worker that
      // sees no pending I/O also sees the goroutine just readied (the
      // deadlock check in lib/scheduler.cpp relies on this order).
      io_operation_finished(state_->io);
    }

   private:
    std::shared_ptr<state> state_;
  };

  template <class Initiation, class... InitArgs>
  static return_type run(Initiation&& initiation, const use_go_t& token, InitArgs&&... args) {
    io_service& io = current_io_service();
    auto s = std::make_shared<state>(io);
    io_operation_started(io);
    try {
      std::forward<Initiation>(initiation)(handler{s}, std::forward<InitArgs>(args)...);
    } catch (...) {
      io_operation_finished(io);
      if (std::unique_lock<std::mutex>* lock = token.start_lock()) lock->unlock();
      throw;
    }
    if (std::unique_lock<std::mutex>* lock = token.start_lock()) lock->unlock();
    bool cancelled_by_ctx = false;
    try {
      if (const context* ctx = token.ctx()) {
        if (select(recv_case(s->ready), recv_case(ctx->done())) == 1) {
          cancel(s);
          cancelled_by_ctx = true;
          s->ready.recv();
        }
      } else {
        s->ready.recv();
      }
    } catch (...) {
      // Unwinding (shutdown or a deadlock report) with the operation in
      // flight: end it before the buffers it may write go away.
      cancel(s);
      io_run_until(io, s->done);
      throw;
    }
    return deliver(std::move(*s->result), token, cancelled_by_ctx ? token.ctx() : nullptr);
  }

 private:
  // Emitted from inside the poller, where it is serialized with every
  // handler (emitting a cancellation signal is not thread-safe). Not once
  // the handler has run: the goroutine may have gone on by then and
  // destroyed the I/O object, whose state the slot's cancellation handler
  // still points at (an emit after that read a closed socket's
  // implementation: a race TSan saw, and a use after free). Before the
  // handler has run the goroutine is still parked, so the object is alive.
  static void cancel(const std::shared_ptr<state>& s) {
    boost::asio::post(io_context_of(s->io), [s] {
      if (!s->done.load(std::memory_order_acquire)) {
        s->cancel.emit(boost::asio::cancellation_type::terminal);
      }
    });
  }

  template <class Tuple, std::size_t... I>
  static return_type values_of(Tuple&& t, std::index_sequence<I...>) {
    if constexpr (std::is_void_v<return_type>) {
      return;
    } else if constexpr (sizeof...(I) == 1) {
      return std::move(std::get<I>(t)...);
    } else {
      return return_type{std::move(std::get<I>(t))...};
    }
  }

  static return_type deliver(values result, const use_go_t& token, const context* cancelled_by) {
    if constexpr (signature::error == io_error_kind::none) {
      return values_of(std::move(result), std::index_sequence_for<Args...>{});
    } else {
      auto rest =
          std::apply([](auto&&, auto&&... more) { return std::make_tuple(std::move(more)...); },
                     std::move(result));
      if constexpr (signature::error == io_error_kind::error_code) {
        boost::system::error_code ec = std::get<0>(result);
        if (cancelled_by != nullptr && ec) ec = to_boost(cancelled_by->err());
        if (ec) {
          if (boost::system::error_code* out = token.error_out()) {
            *out = ec;
          } else {
            throw boost::system::system_error(ec);
          }
        } else if (boost::system::error_code* out = token.error_out()) {
          out->clear();
        }
      } else {
        if (std::exception_ptr e = std::get<0>(result)) std::rethrow_exception(e);
      }
      return values_of(std::move(rest),
                       std::make_index_sequence<std::tuple_size_v<decltype(rest)>>{});
    }
  }
};

}  // namespace detail
}  // namespace gofer

template <class R, class... Args>
class boost::asio::async_result<gofer::use_go_t, R(Args...)> {
 public:
  using return_type = typename gofer::detail::use_go_operation<Args...>::return_type;

  template <class Initiation, class... InitArgs>
  static return_type initiate(Initiation&& initiation, gofer::use_go_t token, InitArgs&&... args) {
    return gofer::detail::use_go_operation<Args...>::run(std::forward<Initiation>(initiation),
                                                         token, std::forward<InitArgs>(args)...);
  }
};
