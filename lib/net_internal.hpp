// lib/net_internal.hpp - what other parts of the library (gofer::http's
// client pool) need from a net::conn beyond gofer/net.hpp.
#pragma once

#include "gofer/net.hpp"

namespace gofer::net::detail {

// Whether an idle conn can carry another request: not closed, nothing
// unread, and the peer has not closed its side. Never blocks (a peek on the
// non-blocking socket, under the conn's mutex). A pool asks this before
// reusing a conn, as Go's Transport learns it from its per-conn read loop.
bool idle_conn_usable(const conn& c) noexcept;

}  // namespace gofer::net::detail
