# A read that waits for data that never comes: the server accepts and says
# nothing. In asyncio every await is a place where the task can be
# cancelled, a read included: by a timeout around it, or by cancel() on the
# task from outside.
import asyncio


async def main():
    quiet = asyncio.Event()

    async def handle(reader, writer):  # a server that accepts and never writes
        await quiet.wait()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    reader, writer = await asyncio.open_connection(*server.sockets[0].getsockname())

    try:
        async with asyncio.timeout(0.1):
            await reader.read(64)
    except TimeoutError:
        print("the timeout ended the read")

    read = asyncio.create_task(reader.read(64))
    await asyncio.sleep(0.1)  # the read is waiting now
    read.cancel()
    try:
        await read
    except asyncio.CancelledError:
        print("cancel() ended the read")

    writer.close()
    quiet.set()
    server.close()
    await server.wait_closed()


asyncio.run(main())

# Output:
# the timeout ended the read
# cancel() ended the read
