import { EMPLOYEE_EVENT_VERSIONS, employeeDecider } from '../../domain/employee/index.js';
import { ORDER_EVENT_VERSIONS, orderDecider, upcastOrderEvent } from '../../domain/order/index.js';
import { SUPPORT_EVENT_VERSIONS, supportDecider } from '../../domain/support/index.js';
import { TENANT_EVENT_VERSIONS, tenantDecider } from '../../domain/tenant/index.js';
import { ACCESS_EVENT_VERSIONS, accessDecider } from '../../domain/access/index.js';
import { SEAL_EVENT_VERSIONS, sealDecider } from '../../domain/seal/index.js';
import { TILL_EVENT_VERSIONS, tillDecider } from '../../domain/till/index.js';
import type { AggregateKind } from '../handleCommand.js';
import type { EmployeeCommand, EmployeeEvent, EmployeeState } from '../../domain/employee/index.js';
import type { OrderCommand, OrderEvent, OrderState } from '../../domain/order/index.js';
import type { SupportCommand, SupportEvent, SupportState } from '../../domain/support/index.js';
import type { TenantCommand, TenantEvent, TenantState } from '../../domain/tenant/index.js';
import type { AccessCommand, AccessEvent, AccessState } from '../../domain/access/index.js';
import type { SealCommand, SealEvent, SealState } from '../../domain/seal/index.js';
import type { TillCommand, TillEvent, TillState } from '../../domain/till/index.js';

export const tenantKind: AggregateKind<TenantCommand, TenantState, TenantEvent> = { decider: tenantDecider, versions: TENANT_EVENT_VERSIONS };
export const orderKind: AggregateKind<OrderCommand, OrderState, OrderEvent> = {
  decider: orderDecider,
  versions: ORDER_EVENT_VERSIONS,
  upcast: upcastOrderEvent,
};
export const employeeKind: AggregateKind<EmployeeCommand, EmployeeState, EmployeeEvent> = {
  decider: employeeDecider,
  versions: EMPLOYEE_EVENT_VERSIONS,
};
export const supportKind: AggregateKind<SupportCommand, SupportState, SupportEvent> = { decider: supportDecider, versions: SUPPORT_EVENT_VERSIONS };
export const tillKind: AggregateKind<TillCommand, TillState, TillEvent> = { decider: tillDecider, versions: TILL_EVENT_VERSIONS };
export const sealKind: AggregateKind<SealCommand, SealState, SealEvent> = { decider: sealDecider, versions: SEAL_EVENT_VERSIONS };
export const accessKind: AggregateKind<AccessCommand, AccessState, AccessEvent> = { decider: accessDecider, versions: ACCESS_EVENT_VERSIONS };
