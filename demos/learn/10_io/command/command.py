# Running another program: asyncio.create_subprocess_exec starts a child
# process; communicate() waits for it and returns what it wrote to the pipes
# asked for. A program that fails raises nothing: its returncode says so.
import asyncio
from asyncio.subprocess import PIPE


async def main():
    child = await asyncio.create_subprocess_exec("echo", "hello from a child", stdout=PIPE)
    out, _ = await child.communicate()
    print("echo printed:", out.decode().strip())

    child = await asyncio.create_subprocess_exec(
        "sh", "-c", "echo oops >&2; exit 3", stdout=PIPE, stderr=PIPE)
    _, err = await child.communicate()
    if child.returncode != 0:
        print("sh: exit status", child.returncode)
        print("exit code:", child.returncode)
        print("its stderr:", err.decode().strip())


asyncio.run(main())

# Output:
# echo printed: hello from a child
# sh: exit status 3
# exit code: 3
# its stderr: oops
