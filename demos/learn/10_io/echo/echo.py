# An echo server and its client in one program, on asyncio's streams. The
# server listens on 127.0.0.1, port 0 (the system picks a free one); asyncio
# runs handle() in a task of its own for each connection. The client opens a
# connection, writes two messages and reads each one back. Every call that
# may wait is awaited, writes included: write() only buffers, drain() waits.
import asyncio


async def handle(reader, writer, handled):
    echoed = 0
    while data := await reader.read(1024):  # b"" at the client's EOF
        writer.write(data)
        await writer.drain()
        echoed += len(data)
    print(f"server: echoed {echoed} bytes, client gone")
    writer.close()
    await writer.wait_closed()
    handled.set()


async def main():
    handled = asyncio.Event()
    server = await asyncio.start_server(
        lambda reader, writer: handle(reader, writer, handled), "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()

    reader, writer = await asyncio.open_connection(host, port)
    for message in ["hello", "goroutines"]:
        writer.write(message.encode())
        await writer.drain()
        reply = await reader.readexactly(len(message))
        print("client:", reply.decode())
    writer.close()  # the server reads EOF
    await writer.wait_closed()

    await handled.wait()  # the handler has returned
    server.close()  # stops listening
    await server.wait_closed()
    print("server: listener closed")


asyncio.run(main())

# Output:
# client: hello
# client: goroutines
# server: echoed 15 bytes, client gone
# server: listener closed
