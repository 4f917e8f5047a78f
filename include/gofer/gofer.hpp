// gofer/gofer.hpp - everything: Go-style concurrency for C++20.
#pragma once

#include "gofer/chan.hpp"
#include "gofer/context.hpp"
#include "gofer/defer.hpp"
#include "gofer/errors.hpp"
#include "gofer/group.hpp"
#include "gofer/runtime.hpp"
#include "gofer/select.hpp"
#include "gofer/sync.hpp"
#include "gofer/synctest.hpp"
#include "gofer/time.hpp"
#include "gofer/version.hpp"
