# Pitfall: a catch-all that is meant for the work's errors also catches
# asyncio.CancelledError, raised at the await where task.cancel() finds the
# task. The task carries on as if nothing happened, and whoever cancelled it
# waits for the end of work it wanted stopped. CancelledError derives from
# BaseException (since 3.8), so `except Exception` lets it through; a bare
# `except:` or `except BaseException` must re-raise it.
import asyncio


async def broken_worker():
    for step in range(1, 4):
        try:
            await asyncio.sleep(0.2)  # stands for work; CancelledError comes here
            print(f"  worker: step {step} done")
        except BaseException as error:  # meant for the work's errors
            print(f"  worker: {type(error).__name__}, carrying on")
    print("  worker: finished all steps")


async def fixed_worker():
    for step in range(1, 4):
        try:
            await asyncio.sleep(0.2)
            print(f"  worker: step {step} done")
        except Exception as error:  # the work's errors only
            print(f"  worker: {type(error).__name__}, carrying on")
    print("  worker: finished all steps")


async def main():
    for title, worker in [
        ("except BaseException", broken_worker),
        ("except Exception", fixed_worker),
    ]:
        print(f"{title}:")
        task = asyncio.create_task(worker())
        await asyncio.sleep(0.3)
        task.cancel()
        try:
            await task
            print("  main: the task finished; cancelled:", task.cancelled())
        except asyncio.CancelledError:
            print("  main: the task was cancelled")


asyncio.run(main())

# Output:
# except BaseException:
#   worker: step 1 done
#   worker: CancelledError, carrying on
#   worker: step 3 done
#   worker: finished all steps
#   main: the task finished; cancelled: False
# except Exception:
#   worker: step 1 done
#   main: the task was cancelled
