// A Modbus TCP device in its own process for the bridge's tests: units 1 and 7, typed values preset, a write guard
// that refuses values above 50,000 in hr:100 with ILLEGAL_DATA_VALUE. Prints {"port": N} when it listens.
import {
  ModbusException,
  ModbusExceptionReply,
  ModbusServer,
  RegisterBank,
  parseModbusAddress,
} from '@doppel/bridge-modbus';

const guard = (table: 'coil' | 'hr', offset: number, values: readonly (number | boolean)[]): void => {
  values.forEach((value, i) => {
    if (table === 'hr' && offset + i === 100 && Number(value) > 50_000) {
      throw new ModbusExceptionReply(ModbusException.IllegalDataValue, 'hr:100 accepts 0..50000');
    }
  });
};
const unit1 = new RegisterBank({ coils: 64, discreteInputs: 64, holdingRegisters: 200, inputRegisters: 200 }, guard);
unit1.set(parseModbusAddress('ir:0:i16'), -1234);
unit1.set(parseModbusAddress('ir:2:f32'), 21.5);
unit1.set(parseModbusAddress('ir:4:f32:le'), -3.25);
unit1.set(parseModbusAddress('ir:6:u32'), 4_000_000_000);
unit1.set(parseModbusAddress('ir:8:i32:le'), -70_000);
unit1.set(parseModbusAddress('di:3'), true);
const unit7 = new RegisterBank({ holdingRegisters: 10 });
unit7.set(parseModbusAddress('hr:0'), 7);

const server = await ModbusServer.start({
  port: Number(process.argv[2] ?? 0),
  units: new Map([
    [1, unit1],
    [7, unit7],
  ]),
});
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
const stop = (): void => void server.close().then(() => process.exit(0));
process.stdin.on('end', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
