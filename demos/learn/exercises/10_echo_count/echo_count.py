# Exercise 10.1, an echo server that counts its connections
# (docs/learn/exercises.md): the server listens on 127.0.0.1, on a port the
# system picks; three clients at once each send a line and read it back.
# asyncio runs a task per connection; closing the server stops accepting,
# and main waits for those tasks before it reports.
import asyncio


async def main():
    handlers = []  # the task of each connection: it counts them too

    async def handle(reader, writer):
        handlers.append(asyncio.current_task())
        while data := await reader.read(1024):  # b"" when the client closes its side
            writer.write(data)
            await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)  # port 0: the system picks
    host, port = server.sockets[0].getsockname()

    async def client(i):
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(f"hello from client {i}\n".encode())
        await writer.drain()
        reply = await reader.readline()
        writer.close()
        await writer.wait_closed()
        return reply.decode().removesuffix("\n")

    for r in await asyncio.gather(*(client(i) for i in range(1, 4))):
        print("echo:", r)
    server.close()  # stops accepting
    await server.wait_closed()
    await asyncio.gather(*handlers)
    print("server: served", len(handlers), "connections")


asyncio.run(main())

# Output:
# echo: hello from client 1
# echo: hello from client 2
# echo: hello from client 3
# server: served 3 connections
