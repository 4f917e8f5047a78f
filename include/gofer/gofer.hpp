// gofer/gofer.hpp - everything: Go-style concurrency for C++20. All but
// gofer/fmt.hpp (it needs {fmt}) and gofer/asio.hpp (it includes Boost.Asio).
#pragma once

#include "gofer/chan.hpp"
#include "gofer/context.hpp"
#include "gofer/defer.hpp"
#include "gofer/errors.hpp"
#include "gofer/exec.hpp"
#include "gofer/group.hpp"
#include "gofer/http.hpp"
#include "gofer/net.hpp"
#include "gofer/runtime.hpp"
#include "gofer/select.hpp"
#include "gofer/signal.hpp"
#include "gofer/sync.hpp"
#include "gofer/synctest.hpp"
#include "gofer/time.hpp"
#include "gofer/version.hpp"
