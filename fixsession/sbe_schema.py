"""Binance's FIX SBE layouts, generated from spot-fixsbe-1_1.xml by ``fixsession.tools.sbegen``
(do not edit: regenerate). ``fixsession.sbe`` encodes and decodes with them."""

# ruff: noqa: E501

from typing import Final

from fixsession.sbe import SbeData, SbeEnum, SbeField, SbeGroup, SbeMessageDef

SCHEMA_ID: Final = 1
SCHEMA_VERSION: Final = 1

ENUMS: Final[dict[str, SbeEnum]] = {
    'boolEnum': SbeEnum('boolEnum', 'uint8', {0: 'False', 1: 'True'}),
    'cancelRestrictions': SbeEnum('cancelRestrictions', 'uint8', {1: 'OnlyNew', 2: 'OnlyPartiallyFilled', 254: 'NonRepresentable'}),
    'contingencyType': SbeEnum('contingencyType', 'uint8', {1: 'OneCancelsTheOther', 2: 'OneTriggersTheOther', 254: 'NonRepresentable'}),
    'cxlRejResponseTo': SbeEnum('cxlRejResponseTo', 'char', {'1': 'OrderCancelRequest', '~': 'NonRepresentable'}),
    'execInst': SbeEnum('execInst', 'char', {'6': 'ParticipateDontInitiate', '~': 'NonRepresentable'}),
    'executionReportType': SbeEnum('executionReportType', 'uint8', {1: 'Full', 2: 'Mini', 254: 'NonRepresentable'}),
    'execType': SbeEnum('execType', 'char', {'0': 'New', '4': 'Canceled', '5': 'Replaced', '8': 'Rejected', 'F': 'Trade', 'C': 'Expired', '~': 'NonRepresentable'}),
    'expiryReason': SbeEnum('expiryReason', 'uint8', {1: 'Rejected', 2: 'ExchangeCanceled', 3: 'OcoTrigger', 4: 'OtoPhaseOneExpired', 5: 'UnfilledIocQuantityExpired', 6: 'UnfilledFokOrderExpired', 7: 'InsufficientLiquidity', 8: 'ExecutionRulePriceRangeExceeded', 254: 'NonRepresentable'}),
    'instrumentListRequestType': SbeEnum('instrumentListRequestType', 'uint8', {0: 'SingleInstrument', 4: 'AllInstruments', 254: 'NonRepresentable'}),
    'limitResetIntervalResolution': SbeEnum('limitResetIntervalResolution', 'char', {'s': 'Second', 'm': 'Minute', 'h': 'Hour', 'd': 'Day', '~': 'NonRepresentable'}),
    'limitType': SbeEnum('limitType', 'char', {'1': 'OrderLimit', '2': 'MessageLimit', '3': 'SubscriptionLimit', '~': 'NonRepresentable'}),
    'listOrderStatus': SbeEnum('listOrderStatus', 'uint8', {3: 'Executing', 6: 'AllDone', 7: 'Reject', 254: 'NonRepresentable'}),
    'listRejectReason': SbeEnum('listRejectReason', 'uint8', {99: 'Other', 254: 'NonRepresentable'}),
    'listStatusType': SbeEnum('listStatusType', 'uint8', {2: 'Response', 4: 'ExecStarted', 5: 'AllDone', 100: 'Updated', 254: 'NonRepresentable'}),
    'listTriggerAction': SbeEnum('listTriggerAction', 'char', {'1': 'Release', '2': 'Cancel', '~': 'NonRepresentable'}),
    'listTriggerType': SbeEnum('listTriggerType', 'char', {'1': 'Activated', '2': 'PartiallyFilled', '3': 'Filled', '~': 'NonRepresentable'}),
    'massCancelRejectReason': SbeEnum('massCancelRejectReason', 'uint8', {99: 'Other', 254: 'NonRepresentable'}),
    'massCancelRequestType': SbeEnum('massCancelRequestType', 'char', {'1': 'CancelSymbolOrders', '~': 'NonRepresentable'}),
    'massCancelResponse': SbeEnum('massCancelResponse', 'char', {'0': 'CancelRequestRejected', '1': 'CancelSymbolOrders', '~': 'NonRepresentable'}),
    'matchType': SbeEnum('matchType', 'char', {'1': 'OnePartyTradeReport', '4': 'AutoMatch', '~': 'NonRepresentable'}),
    'mdEntryType': SbeEnum('mdEntryType', 'char', {'0': 'Bid', '1': 'Offer', '2': 'Trade', '~': 'NonRepresentable'}),
    'mdReqRejReason': SbeEnum('mdReqRejReason', 'char', {'1': 'DuplicateMdReqID', '2': 'TooManySubscriptions', '~': 'NonRepresentable'}),
    'messageHandling': SbeEnum('messageHandling', 'uint8', {1: 'Unordered', 2: 'Sequential', 254: 'NonRepresentable'}),
    'miscFeeType': SbeEnum('miscFeeType', 'uint8', {4: 'ExchangeFees', 254: 'NonRepresentable'}),
    'orderCapacity': SbeEnum('orderCapacity', 'char', {'A': 'Agency', 'P': 'Principal', '~': 'NonRepresentable'}),
    'ordRejReason': SbeEnum('ordRejReason', 'uint8', {99: 'Other', 254: 'NonRepresentable'}),
    'ordStatus': SbeEnum('ordStatus', 'char', {'0': 'New', '1': 'PartiallyFilled', '2': 'Filled', '4': 'Canceled', '6': 'PendingCancel', '8': 'Rejected', 'A': 'PendingNew', 'C': 'Expired', '~': 'NonRepresentable'}),
    'ordType': SbeEnum('ordType', 'char', {'1': 'Market', '2': 'Limit', '3': 'Stop', '4': 'StopLimit', 'P': 'Pegged', '~': 'NonRepresentable'}),
    'orderCancelRequestAndNewOrderSingleMode': SbeEnum('orderCancelRequestAndNewOrderSingleMode', 'uint8', {1: 'StopOnFailure', 2: 'AllowFailure', 254: 'NonRepresentable'}),
    'orderRateLimitExceededMode': SbeEnum('orderRateLimitExceededMode', 'uint8', {1: 'DoNothing', 2: 'CancelOnly', 254: 'NonRepresentable'}),
    'pegMoveType': SbeEnum('pegMoveType', 'uint8', {1: 'Fixed', 254: 'NonRepresentable'}),
    'pegOffsetType': SbeEnum('pegOffsetType', 'char', {'3': 'PriceTier', '~': 'NonRepresentable'}),
    'pegPriceType': SbeEnum('pegPriceType', 'char', {'4': 'MarketPeg', '5': 'PrimaryPeg', '~': 'NonRepresentable'}),
    'responseMode': SbeEnum('responseMode', 'uint8', {1: 'Everything', 2: 'OnlyAcks', 254: 'NonRepresentable'}),
    'selfTradePreventionMode': SbeEnum('selfTradePreventionMode', 'char', {'1': 'None', '2': 'ExpireTaker', '3': 'ExpireMaker', '4': 'ExpireBoth', '5': 'Decrement', '6': 'Transfer', '~': 'NonRepresentable'}),
    'sessionRejectReason': SbeEnum('sessionRejectReason', 'uint8', {0: 'InvalidTagNumber', 1: 'RequiredTagMissing', 2: 'TagNotDefinedForThisMessageType', 3: 'UndefinedTag', 5: 'ValueIsIncorrect', 6: 'IncorrectDataFormatForValue', 8: 'SignatureProblem', 10: 'SendingTimeAccuracyProblem', 13: 'TagAppearsMoreThanOnce', 14: 'TagSpecifiedOutOfRequiredOrder', 15: 'RepeatingGroupFieldsOutOfOrder', 16: 'IncorrectNumInGroupCountForRepeatingGroup', 99: 'Other', 254: 'NonRepresentable'}),
    'side': SbeEnum('side', 'char', {'1': 'Buy', '2': 'Sell', '~': 'NonRepresentable'}),
    'subscriptionRequestType': SbeEnum('subscriptionRequestType', 'char', {'1': 'Subscribe', '2': 'Unsubscribe', '~': 'NonRepresentable'}),
    'timeInForce': SbeEnum('timeInForce', 'char', {'1': 'GoodTillCancel', '3': 'ImmediateOrCancel', '4': 'FillOrKill', '~': 'NonRepresentable'}),
    'triggerAction': SbeEnum('triggerAction', 'char', {'1': 'Activate', '~': 'NonRepresentable'}),
    'triggerPriceDirection': SbeEnum('triggerPriceDirection', 'char', {'U': 'Up', 'D': 'Down', '~': 'NonRepresentable'}),
    'triggerPriceType': SbeEnum('triggerPriceType', 'char', {'2': 'LastTrade', '~': 'NonRepresentable'}),
    'triggerType': SbeEnum('triggerType', 'char', {'4': 'PriceMovement', '~': 'NonRepresentable'}),
    'workingFloor': SbeEnum('workingFloor', 'uint8', {1: 'Exchange', 2: 'Broker', 3: 'Sor', 254: 'NonRepresentable'}),
}

MESSAGES: Final[dict[int, SbeMessageDef]] = {
    20001: SbeMessageDef(
        'Heartbeat', 20001, '0', 0,
        fields=(
        ),
        data=(
            SbeData('TestReqID', 112, 'uint8', optional=True),
        ),
    ),
    20002: SbeMessageDef(
        'TestRequest', 20002, '1', 0,
        fields=(
        ),
        data=(
            SbeData('TestReqID', 112, 'uint8'),
        ),
    ),
    20003: SbeMessageDef(
        'Reject', 20003, '3', 13,
        fields=(
            SbeField('RefSeqNum', 45, 'uint32', 0, optional=True),
            SbeField('RefTagID', 371, 'uint32', 4, optional=True),
            SbeField('SessionRejectReason', 373, 'uint8', 8, optional=True, enum='sessionRejectReason'),
            SbeField('ErrorCode', 25016, 'int32', 9, optional=True),
        ),
        data=(
            SbeData('RefMsgType', 372, 'uint8', optional=True),
            SbeData('Text', 58, 'uint16', optional=True),
        ),
    ),
    20004: SbeMessageDef(
        'Logout', 20004, '5', 0,
        fields=(
        ),
        data=(
            SbeData('Text', 58, 'uint16', optional=True),
        ),
    ),
    198: SbeMessageDef(
        'ExecutionReportAck', 198, '8', 31,
        fields=(
            SbeField('OrderID', 37, 'int64', 0, optional=True),
            SbeField('ListID', 66, 'int64', 8, optional=True),
            SbeField('TransactTime', 60, 'int64', 16, optional=True),
            SbeField('ExecType', 150, 'char', 24, enum='execType'),
            SbeField('OrdStatus', 39, 'char', 25, enum='ordStatus'),
            SbeField('OrdRejReason', 103, 'uint8', 26, optional=True, enum='ordRejReason'),
            SbeField('ErrorCode', 25016, 'int32', 27, optional=True),
        ),
        data=(
            SbeData('ClOrdID', 11, 'uint8', optional=True),
            SbeData('Symbol', 55, 'uint8'),
            SbeData('ErrorText', 58, 'uint16', optional=True),
        ),
    ),
    98: SbeMessageDef(
        'ExecutionReport', 98, '8', 281,
        fields=(
            SbeField('PriceExponent', 25054, 'int8', 0),
            SbeField('QtyExponent', 25055, 'int8', 1),
            SbeField('ExecID', 17, 'int64', 2, optional=True),
            SbeField('OrderID', 37, 'int64', 10, optional=True),
            SbeField('OrderQty', 38, 'int64', 18, optional=True, exponent='QtyExponent'),
            SbeField('OrdType', 40, 'char', 26, enum='ordType'),
            SbeField('Side', 54, 'char', 27, enum='side'),
            SbeField('ExecInst', 18, 'char', 28, optional=True, enum='execInst'),
            SbeField('Price', 44, 'int64', 29, optional=True, exponent='PriceExponent'),
            SbeField('TriggerType', 1100, 'char', 37, optional=True, enum='triggerType'),
            SbeField('TriggerAction', 1101, 'char', 38, optional=True, enum='triggerAction'),
            SbeField('TriggerPrice', 1102, 'int64', 39, optional=True, exponent='PriceExponent'),
            SbeField('TriggerPriceType', 1107, 'char', 47, optional=True, enum='triggerPriceType'),
            SbeField('TriggerPriceDirection', 1109, 'char', 48, optional=True, enum='triggerPriceDirection'),
            SbeField('TriggerTrailingDeltaBips', 25009, 'uint64', 49, optional=True),
            SbeField('PegOffsetValue', 211, 'uint8', 57, optional=True),
            SbeField('PegPriceType', 1094, 'char', 58, optional=True, enum='pegPriceType'),
            SbeField('PegMoveType', 835, 'uint8', 59, optional=True, enum='pegMoveType'),
            SbeField('PegOffsetType', 836, 'char', 60, optional=True, enum='pegOffsetType'),
            SbeField('PeggedPrice', 839, 'int64', 61, optional=True, exponent='PriceExponent'),
            SbeField('TimeInForce', 59, 'char', 69, optional=True, enum='timeInForce'),
            SbeField('TransactTime', 60, 'int64', 70, optional=True),
            SbeField('OrderCreationTime', 25018, 'int64', 78, optional=True),
            SbeField('MaxFloor', 111, 'int64', 86, optional=True, exponent='QtyExponent'),
            SbeField('ListID', 66, 'int64', 94, optional=True),
            SbeField('CashOrderQty', 152, 'int64', 102, optional=True, exponent='PriceExponent'),
            SbeField('TargetStrategy', 847, 'int32', 110, optional=True),
            SbeField('StrategyID', 7940, 'int64', 114, optional=True),
            SbeField('OrderCapacity', 528, 'char', 122, optional=True, enum='orderCapacity'),
            SbeField('SelfTradePreventionMode', 25001, 'char', 123, optional=True, enum='selfTradePreventionMode'),
            SbeField('ExecType', 150, 'char', 124, enum='execType'),
            SbeField('CumQty', 14, 'int64', 125, exponent='QtyExponent'),
            SbeField('LeavesQty', 151, 'int64', 133, optional=True, exponent='QtyExponent'),
            SbeField('CumQuoteQty', 25017, 'int64', 141, optional=True, exponent='PriceExponent'),
            SbeField('AggressorIndicator', 1057, 'uint8', 149, optional=True, enum='boolEnum'),
            SbeField('TradeID', 1003, 'int64', 150, optional=True),
            SbeField('LastPx', 31, 'int64', 158, optional=True, exponent='PriceExponent'),
            SbeField('LastQty', 32, 'int64', 166, exponent='QtyExponent'),
            SbeField('OrdStatus', 39, 'char', 174, enum='ordStatus'),
            SbeField('SecondaryOrderID', 198, 'int64', 175, optional=True),
            SbeField('SecondaryExternalAccountID', 25020, 'int64', 183, optional=True),
            SbeField('AllocID', 70, 'int64', 191, optional=True),
            SbeField('MatchType', 574, 'char', 199, optional=True, enum='matchType'),
            SbeField('WorkingFloor', 25021, 'uint8', 200, optional=True, enum='workingFloor'),
            SbeField('WorkingIndicator', 636, 'uint8', 201, optional=True, enum='boolEnum'),
            SbeField('WorkingTime', 25023, 'int64', 202, optional=True),
            SbeField('TrailingTime', 25022, 'int64', 210, optional=True),
            SbeField('PreventedMatchID', 25024, 'int64', 218, optional=True),
            SbeField('PreventedExecutionPrice', 25025, 'int64', 226, optional=True, exponent='PriceExponent'),
            SbeField('PreventedExecutionQty', 25026, 'int64', 234, optional=True, exponent='QtyExponent'),
            SbeField('TradeGroupID', 25027, 'int64', 242, optional=True),
            SbeField('CounterOrderID', 25029, 'int64', 250, optional=True),
            SbeField('PreventedQty', 25030, 'int64', 258, optional=True, exponent='QtyExponent'),
            SbeField('LastPreventedQty', 25031, 'int64', 266, optional=True, exponent='QtyExponent'),
            SbeField('SOR', 25032, 'uint8', 274, optional=True, enum='boolEnum'),
            SbeField('OrdRejReason', 103, 'uint8', 275, optional=True, enum='ordRejReason'),
            SbeField('ErrorCode', 25016, 'int32', 276, optional=True),
            SbeField('ExpiryReason', 25056, 'uint8', 280, optional=True, enum='expiryReason', since_version=1),
        ),
        groups=(
            SbeGroup(
                'MiscFees', 136, 'uint8', 'uint16', 10,
                fields=(
                    SbeField('Exponent', 25053, 'int8', 0),
                    SbeField('MiscFeeAmt', 137, 'int64', 1, exponent='Exponent'),
                    SbeField('MiscFeeType', 139, 'uint8', 9, enum='miscFeeType'),
                ),
                data=(
                    SbeData('MiscFeeCurr', 138, 'uint8'),
                ),
            ),
        ),
        data=(
            SbeData('ClOrdID', 11, 'uint8', optional=True),
            SbeData('OrigClOrdID', 41, 'uint8', optional=True),
            SbeData('Symbol', 55, 'uint8'),
            SbeData('SecondarySymbol', 25019, 'uint8', optional=True),
            SbeData('CounterSymbol', 25028, 'uint8', optional=True),
            SbeData('ErrorText', 58, 'uint16', optional=True),
        ),
    ),
    96: SbeMessageDef(
        'OrderCancelReject', 96, '9', 22,
        fields=(
            SbeField('OrderID', 37, 'int64', 0, optional=True),
            SbeField('ListID', 66, 'int64', 8, optional=True),
            SbeField('CancelRestrictions', 25002, 'uint8', 16, optional=True, enum='cancelRestrictions'),
            SbeField('CxlRejResponseTo', 434, 'char', 17, enum='cxlRejResponseTo'),
            SbeField('ErrorCode', 25016, 'int32', 18),
        ),
        data=(
            SbeData('ClOrdID', 11, 'uint8'),
            SbeData('OrigClOrdID', 41, 'uint8', optional=True),
            SbeData('OrigClListID', 25015, 'uint8', optional=True),
            SbeData('Symbol', 55, 'uint8'),
            SbeData('ErrorText', 58, 'uint16'),
        ),
    ),
    97: SbeMessageDef(
        'OrderCancelRequestAndNewOrderSingle', 97, 'XCN', 86,
        fields=(
            SbeField('OrderCancelRequestAndNewOrderSingleMode', 25033, 'uint8', 0, enum='orderCancelRequestAndNewOrderSingleMode'),
            SbeField('OrderRateLimitExceededMode', 25038, 'uint8', 1, optional=True, enum='orderRateLimitExceededMode'),
            SbeField('OrderID', 37, 'int64', 2, optional=True),
            SbeField('CancelRestrictions', 25002, 'uint8', 10, optional=True, enum='cancelRestrictions'),
            SbeField('PriceExponent', 25054, 'int8', 11),
            SbeField('QtyExponent', 25055, 'int8', 12),
            SbeField('OrderQty', 38, 'int64', 13, optional=True, exponent='QtyExponent'),
            SbeField('OrdType', 40, 'char', 21, enum='ordType'),
            SbeField('ExecInst', 18, 'char', 22, optional=True, enum='execInst'),
            SbeField('Price', 44, 'int64', 23, optional=True, exponent='PriceExponent'),
            SbeField('TriggerType', 1100, 'char', 31, optional=True, enum='triggerType'),
            SbeField('TriggerAction', 1101, 'char', 32, optional=True, enum='triggerAction'),
            SbeField('TriggerPrice', 1102, 'int64', 33, optional=True, exponent='PriceExponent'),
            SbeField('TriggerPriceType', 1107, 'char', 41, optional=True, enum='triggerPriceType'),
            SbeField('TriggerPriceDirection', 1109, 'char', 42, optional=True, enum='triggerPriceDirection'),
            SbeField('TriggerTrailingDeltaBips', 25009, 'uint64', 43, optional=True),
            SbeField('PegOffsetValue', 211, 'uint8', 51, optional=True),
            SbeField('PegPriceType', 1094, 'char', 52, optional=True, enum='pegPriceType'),
            SbeField('PegMoveType', 835, 'uint8', 53, optional=True, enum='pegMoveType'),
            SbeField('PegOffsetType', 836, 'char', 54, optional=True, enum='pegOffsetType'),
            SbeField('Side', 54, 'char', 55, enum='side'),
            SbeField('TimeInForce', 59, 'char', 56, optional=True, enum='timeInForce'),
            SbeField('MaxFloor', 111, 'int64', 57, optional=True, exponent='QtyExponent'),
            SbeField('CashOrderQty', 152, 'int64', 65, optional=True, exponent='PriceExponent'),
            SbeField('TargetStrategy', 847, 'int32', 73, optional=True),
            SbeField('StrategyID', 7940, 'int64', 77, optional=True),
            SbeField('SelfTradePreventionMode', 25001, 'char', 85, optional=True, enum='selfTradePreventionMode'),
        ),
        data=(
            SbeData('CancelClOrdID', 25034, 'uint8', optional=True),
            SbeData('OrigClOrdID', 41, 'uint8', optional=True),
            SbeData('ClOrdID', 11, 'uint8'),
            SbeData('Symbol', 55, 'uint8'),
        ),
    ),
    20008: SbeMessageDef(
        'Logon', 20008, 'A', 14,
        fields=(
            SbeField('EncryptMethod', 98, 'uint8', 0, optional=True),
            SbeField('HeartBtInt', 108, 'uint32', 1),
            SbeField('ResetSeqNumFlag', 141, 'uint8', 5, optional=True, enum='boolEnum'),
            SbeField('MessageHandling', 25035, 'uint8', 6, optional=True, enum='messageHandling'),
            SbeField('ResponseMode', 25036, 'uint8', 7, optional=True, enum='responseMode'),
            SbeField('ExecutionReportType', 25045, 'uint8', 8, optional=True, enum='executionReportType'),
            SbeField('DropCopyFlag', 9406, 'uint8', 9, optional=True, enum='boolEnum'),
            SbeField('RecvWindow', 25000, 'uint32', 10, optional=True),
        ),
        data=(
            SbeData('SenderCompId', 49, 'uint8'),
            SbeData('TargetCompId', 56, 'uint8'),
            SbeData('RawData', 96, 'uint16'),
            SbeData('Username', 553, 'uint16'),
        ),
    ),
    20009: SbeMessageDef(
        'LogonAck', 20009, 'A', 6,
        fields=(
            SbeField('EncryptMethod', 98, 'uint8', 0, optional=True),
            SbeField('HeartBtInt', 108, 'uint32', 1),
            SbeField('SbeSchemaIdVersionDeprecated', 25052, 'uint8', 5, enum='boolEnum'),
        ),
        data=(
            SbeData('UUID', 25037, 'uint8'),
        ),
    ),
    99: SbeMessageDef(
        'NewOrderSingle', 99, 'D', 76,
        fields=(
            SbeField('PriceExponent', 25054, 'int8', 0),
            SbeField('QtyExponent', 25055, 'int8', 1),
            SbeField('OrderQty', 38, 'int64', 2, optional=True, exponent='QtyExponent'),
            SbeField('OrdType', 40, 'char', 10, enum='ordType'),
            SbeField('ExecInst', 18, 'char', 11, optional=True, enum='execInst'),
            SbeField('Price', 44, 'int64', 12, optional=True, exponent='PriceExponent'),
            SbeField('TriggerType', 1100, 'char', 20, optional=True, enum='triggerType'),
            SbeField('TriggerAction', 1101, 'char', 21, optional=True, enum='triggerAction'),
            SbeField('TriggerPrice', 1102, 'int64', 22, optional=True, exponent='PriceExponent'),
            SbeField('TriggerPriceType', 1107, 'char', 30, optional=True, enum='triggerPriceType'),
            SbeField('TriggerPriceDirection', 1109, 'char', 31, optional=True, enum='triggerPriceDirection'),
            SbeField('TriggerTrailingDeltaBips', 25009, 'uint64', 32, optional=True),
            SbeField('PegOffsetValue', 211, 'uint8', 40, optional=True),
            SbeField('PegPriceType', 1094, 'char', 41, optional=True, enum='pegPriceType'),
            SbeField('PegMoveType', 835, 'uint8', 42, optional=True, enum='pegMoveType'),
            SbeField('PegOffsetType', 836, 'char', 43, optional=True, enum='pegOffsetType'),
            SbeField('Side', 54, 'char', 44, enum='side'),
            SbeField('TimeInForce', 59, 'char', 45, optional=True, enum='timeInForce'),
            SbeField('MaxFloor', 111, 'int64', 46, optional=True, exponent='QtyExponent'),
            SbeField('CashOrderQty', 152, 'int64', 54, optional=True, exponent='PriceExponent'),
            SbeField('TargetStrategy', 847, 'int32', 62, optional=True),
            SbeField('StrategyID', 7940, 'int64', 66, optional=True),
            SbeField('SelfTradePreventionMode', 25001, 'char', 74, optional=True, enum='selfTradePreventionMode'),
            SbeField('SOR', 25032, 'uint8', 75, optional=True, enum='boolEnum'),
        ),
        data=(
            SbeData('ClOrdID', 11, 'uint8'),
            SbeData('Symbol', 55, 'uint8'),
        ),
    ),
    100: SbeMessageDef(
        'NewOrderList', 100, 'E', 2,
        fields=(
            SbeField('ContingencyType', 1385, 'uint8', 0, enum='contingencyType'),
            SbeField('OPO', 25046, 'uint8', 1, optional=True, enum='boolEnum'),
        ),
        groups=(
            SbeGroup(
                'Orders', 73, 'uint16', 'uint8', 75,
                fields=(
                    SbeField('PriceExponent', 25054, 'int8', 0),
                    SbeField('QtyExponent', 25055, 'int8', 1),
                    SbeField('OrderQty', 38, 'int64', 2, optional=True, exponent='QtyExponent'),
                    SbeField('OrdType', 40, 'char', 10, enum='ordType'),
                    SbeField('ExecInst', 18, 'char', 11, optional=True, enum='execInst'),
                    SbeField('Price', 44, 'int64', 12, optional=True, exponent='PriceExponent'),
                    SbeField('TriggerType', 1100, 'char', 20, optional=True, enum='triggerType'),
                    SbeField('TriggerAction', 1101, 'char', 21, optional=True, enum='triggerAction'),
                    SbeField('TriggerPrice', 1102, 'int64', 22, optional=True, exponent='PriceExponent'),
                    SbeField('TriggerPriceType', 1107, 'char', 30, optional=True, enum='triggerPriceType'),
                    SbeField('TriggerPriceDirection', 1109, 'char', 31, optional=True, enum='triggerPriceDirection'),
                    SbeField('TriggerTrailingDeltaBips', 25009, 'uint64', 32, optional=True),
                    SbeField('PegOffsetValue', 211, 'uint8', 40, optional=True),
                    SbeField('PegPriceType', 1094, 'char', 41, optional=True, enum='pegPriceType'),
                    SbeField('PegMoveType', 835, 'uint8', 42, optional=True, enum='pegMoveType'),
                    SbeField('PegOffsetType', 836, 'char', 43, optional=True, enum='pegOffsetType'),
                    SbeField('Side', 54, 'char', 44, enum='side'),
                    SbeField('TimeInForce', 59, 'char', 45, optional=True, enum='timeInForce'),
                    SbeField('MaxFloor', 111, 'int64', 46, optional=True, exponent='QtyExponent'),
                    SbeField('CashOrderQty', 152, 'int64', 54, optional=True, exponent='PriceExponent'),
                    SbeField('TargetStrategy', 847, 'int32', 62, optional=True),
                    SbeField('StrategyID', 7940, 'int64', 66, optional=True),
                    SbeField('SelfTradePreventionMode', 25001, 'char', 74, optional=True, enum='selfTradePreventionMode'),
                ),
                groups=(
                    SbeGroup(
                        'ListTriggeringInstructions', 25010, 'uint8', 'uint8', 3,
                        fields=(
                            SbeField('ListTriggerType', 25011, 'char', 0, enum='listTriggerType'),
                            SbeField('ListTriggerTriggerIndex', 25012, 'uint8', 1),
                            SbeField('ListTriggerAction', 25013, 'char', 2, enum='listTriggerAction'),
                        ),
                    ),
                ),
                data=(
                    SbeData('ClOrdID', 11, 'uint8'),
                    SbeData('Symbol', 55, 'uint8'),
                ),
            ),
        ),
        data=(
            SbeData('ClListID', 25014, 'uint8'),
        ),
    ),
    101: SbeMessageDef(
        'OrderCancelRequest', 101, 'F', 17,
        fields=(
            SbeField('OrderID', 37, 'int64', 0, optional=True),
            SbeField('ListID', 66, 'int64', 8, optional=True),
            SbeField('CancelRestrictions', 25002, 'uint8', 16, optional=True, enum='cancelRestrictions'),
        ),
        data=(
            SbeData('ClOrdID', 11, 'uint8'),
            SbeData('OrigClOrdID', 41, 'uint8', optional=True),
            SbeData('OrigClListID', 25015, 'uint8', optional=True),
            SbeData('Symbol', 55, 'uint8'),
        ),
    ),
    102: SbeMessageDef(
        'ListStatus', 102, 'N', 20,
        fields=(
            SbeField('ListID', 66, 'int64', 0, optional=True),
            SbeField('ContingencyType', 1385, 'uint8', 8, optional=True, enum='contingencyType'),
            SbeField('ListStatusType', 429, 'uint8', 9, enum='listStatusType'),
            SbeField('ListOrderStatus', 431, 'uint8', 10, enum='listOrderStatus'),
            SbeField('ListRejectReason', 1386, 'uint8', 11, optional=True, enum='listRejectReason'),
            SbeField('TransactTime', 60, 'int64', 12, optional=True),
        ),
        groups=(
            SbeGroup(
                'Orders', 73, 'uint8', 'uint8', 13,
                fields=(
                    SbeField('OrderID', 37, 'int64', 0, optional=True),
                    SbeField('OrdRejReason', 103, 'uint8', 8, optional=True, enum='ordRejReason'),
                    SbeField('ErrorCode', 25016, 'int32', 9, optional=True),
                ),
                groups=(
                    SbeGroup(
                        'ListTriggeringInstructions', 25010, 'uint8', 'uint8', 3,
                        fields=(
                            SbeField('ListTriggerType', 25011, 'char', 0, enum='listTriggerType'),
                            SbeField('ListTriggerTriggerIndex', 25012, 'uint8', 1),
                            SbeField('ListTriggerAction', 25013, 'char', 2, enum='listTriggerAction'),
                        ),
                    ),
                ),
                data=(
                    SbeData('ClOrdID', 11, 'uint8'),
                    SbeData('Symbol', 55, 'uint8'),
                    SbeData('ErrorText', 58, 'uint16', optional=True),
                ),
            ),
        ),
        data=(
            SbeData('ClListID', 25014, 'uint8', optional=True),
            SbeData('OrigClListID', 25015, 'uint8', optional=True),
        ),
    ),
    103: SbeMessageDef(
        'OrderMassCancelRequest', 103, 'q', 1,
        fields=(
            SbeField('MassCancelRequestType', 530, 'char', 0, enum='massCancelRequestType'),
        ),
        data=(
            SbeData('Symbol', 55, 'uint8'),
            SbeData('ClOrdID', 11, 'uint8'),
        ),
    ),
    104: SbeMessageDef(
        'OrderMassCancelReport', 104, 'r', 15,
        fields=(
            SbeField('MassCancelRequestType', 530, 'char', 0, enum='massCancelRequestType'),
            SbeField('MassCancelResponse', 531, 'char', 1, enum='massCancelResponse'),
            SbeField('MassCancelRejectReason', 532, 'uint8', 2, optional=True, enum='massCancelRejectReason'),
            SbeField('TotalAffectedOrders', 533, 'int64', 3, optional=True),
            SbeField('ErrorCode', 25016, 'int32', 11, optional=True),
        ),
        data=(
            SbeData('Symbol', 55, 'uint8'),
            SbeData('ClOrdID', 11, 'uint8'),
            SbeData('ErrorText', 58, 'uint16', optional=True),
        ),
    ),
    105: SbeMessageDef(
        'OrderAmendKeepPriorityRequest', 105, 'XAK', 17,
        fields=(
            SbeField('OrderID', 37, 'int64', 0, optional=True),
            SbeField('QtyExponent', 25055, 'int8', 8),
            SbeField('OrderQty', 38, 'int64', 9, exponent='QtyExponent'),
        ),
        data=(
            SbeData('ClOrdID', 11, 'uint8'),
            SbeData('OrigClOrdID', 41, 'uint8', optional=True),
            SbeData('Symbol', 55, 'uint8'),
        ),
    ),
    106: SbeMessageDef(
        'OrderAmendReject', 106, 'XAR', 21,
        fields=(
            SbeField('OrderID', 37, 'int64', 0, optional=True),
            SbeField('QtyExponent', 25055, 'int8', 8),
            SbeField('OrderQty', 38, 'int64', 9, exponent='QtyExponent'),
            SbeField('ErrorCode', 25016, 'int32', 17),
        ),
        data=(
            SbeData('ClOrdID', 11, 'uint8'),
            SbeData('OrigClOrdID', 41, 'uint8', optional=True),
            SbeData('Symbol', 55, 'uint8'),
            SbeData('ErrorText', 58, 'uint16'),
        ),
    ),
    120: SbeMessageDef(
        'LimitQuery', 120, 'XLQ', 0,
        fields=(
        ),
        data=(
            SbeData('ReqID', 6136, 'uint8'),
        ),
    ),
    121: SbeMessageDef(
        'LimitResponse', 121, 'XLR', 0,
        fields=(
        ),
        groups=(
            SbeGroup(
                'LimitIndicators', 25003, 'uint8', 'uint8', 22,
                fields=(
                    SbeField('LimitType', 25004, 'char', 0, enum='limitType'),
                    SbeField('LimitCount', 25005, 'uint64', 1),
                    SbeField('LimitMax', 25006, 'uint64', 9),
                    SbeField('LimitResetInterval', 25007, 'uint32', 17, optional=True),
                    SbeField('LimitResetIntervalResolution', 25008, 'char', 21, optional=True, enum='limitResetIntervalResolution'),
                ),
            ),
        ),
        data=(
            SbeData('ReqID', 6136, 'uint8'),
        ),
    ),
    200: SbeMessageDef(
        'InstrumentListRequest', 200, 'x', 1,
        fields=(
            SbeField('InstrumentListRequestType', 559, 'uint8', 0, enum='instrumentListRequestType'),
        ),
        data=(
            SbeData('InstrumentReqID', 320, 'uint8'),
            SbeData('Symbol', 55, 'uint8', optional=True),
        ),
    ),
    201: SbeMessageDef(
        'InstrumentList', 201, 'y', 0,
        fields=(
        ),
        groups=(
            SbeGroup(
                'RelatedSym', 146, 'uint16', 'uint16', 74,
                fields=(
                    SbeField('PriceExponent', 25054, 'int8', 0),
                    SbeField('QtyExponent', 25055, 'int8', 1),
                    SbeField('MinTradeVol', 562, 'int64', 2, optional=True, exponent='QtyExponent'),
                    SbeField('MaxTradeVol', 1140, 'int64', 10, optional=True, exponent='QtyExponent'),
                    SbeField('MinQtyIncrement', 25039, 'int64', 18, optional=True, exponent='QtyExponent'),
                    SbeField('MarketMinTradeVol', 25040, 'int64', 26, optional=True, exponent='QtyExponent'),
                    SbeField('MarketMaxTradeVol', 25041, 'int64', 34, optional=True, exponent='QtyExponent'),
                    SbeField('MarketMinQtyIncrement', 25042, 'int64', 42, optional=True, exponent='QtyExponent'),
                    SbeField('StartPriceRange', 2551, 'int64', 50, optional=True, exponent='PriceExponent'),
                    SbeField('EndPriceRange', 2552, 'int64', 58, optional=True, exponent='PriceExponent'),
                    SbeField('MinPriceIncrement', 969, 'int64', 66, optional=True, exponent='PriceExponent'),
                ),
                data=(
                    SbeData('Symbol', 55, 'uint8'),
                    SbeData('Currency', 15, 'uint8'),
                ),
            ),
        ),
        data=(
            SbeData('InstrumentReqID', 320, 'uint8'),
        ),
    ),
    202: SbeMessageDef(
        'MarketDataRequest', 202, 'V', 4,
        fields=(
            SbeField('SubscriptionRequestType', 263, 'char', 0, enum='subscriptionRequestType'),
            SbeField('MarketDepth', 264, 'uint16', 1, optional=True),
            SbeField('AggregatedBook', 266, 'uint8', 3, optional=True, enum='boolEnum'),
        ),
        groups=(
            SbeGroup(
                'RelatedSym', 146, 'uint16', 'uint16', 0,
                fields=(
                ),
                data=(
                    SbeData('Symbol', 55, 'uint8'),
                ),
            ),
            SbeGroup(
                'MDEntryTypes', 267, 'uint8', 'uint8', 1,
                fields=(
                    SbeField('MDEntryType', 269, 'char', 0, enum='mdEntryType'),
                ),
            ),
        ),
        data=(
            SbeData('MDReqID', 262, 'uint8'),
        ),
    ),
    203: SbeMessageDef(
        'MarketDataRequestReject', 203, 'Y', 5,
        fields=(
            SbeField('MDReqRejReason', 281, 'char', 0, optional=True, enum='mdReqRejReason'),
            SbeField('ErrorCode', 25016, 'int32', 1, optional=True),
        ),
        data=(
            SbeData('MDReqID', 262, 'uint8'),
            SbeData('Text', 58, 'uint16', optional=True),
        ),
    ),
    204: SbeMessageDef(
        'MarketDataSnapshot', 204, 'W', 10,
        fields=(
            SbeField('LastBookUpdateID', 25044, 'int64', 0, optional=True),
            SbeField('PriceExponent', 25054, 'int8', 8),
            SbeField('QtyExponent', 25055, 'int8', 9),
        ),
        groups=(
            SbeGroup(
                'MDEntriesBids', 25047, 'uint8', 'uint16', 16,
                fields=(
                    SbeField('MDEntryPx', 270, 'int64', 0, exponent='PriceExponent'),
                    SbeField('MDEntrySize', 271, 'int64', 8, exponent='QtyExponent'),
                ),
            ),
            SbeGroup(
                'MDEntriesAsks', 25048, 'uint8', 'uint16', 16,
                fields=(
                    SbeField('MDEntryPx', 270, 'int64', 0, exponent='PriceExponent'),
                    SbeField('MDEntrySize', 271, 'int64', 8, exponent='QtyExponent'),
                ),
            ),
        ),
        data=(
            SbeData('Symbol', 55, 'uint8'),
        ),
    ),
    205: SbeMessageDef(
        'MarketDataIncrementalTrade', 205, 'X', 10,
        fields=(
            SbeField('TransactTime', 60, 'int64', 0),
            SbeField('PriceExponent', 25054, 'int8', 8),
            SbeField('QtyExponent', 25055, 'int8', 9),
        ),
        groups=(
            SbeGroup(
                'MDEntries', 268, 'uint16', 'uint32', 25,
                fields=(
                    SbeField('TradeID', 1003, 'int64', 0),
                    SbeField('MDEntryPx', 270, 'int64', 8, exponent='PriceExponent'),
                    SbeField('MDEntrySize', 271, 'int64', 16, exponent='QtyExponent'),
                    SbeField('AggressorSide', 2446, 'char', 24, optional=True, enum='side'),
                ),
            ),
        ),
        data=(
            SbeData('Symbol', 55, 'uint8'),
        ),
    ),
    206: SbeMessageDef(
        'MarketDataIncrementalBookTicker', 206, 'X', 10,
        fields=(
            SbeField('LastBookUpdateID', 25044, 'int64', 0),
            SbeField('PriceExponent', 25054, 'int8', 8),
            SbeField('QtyExponent', 25055, 'int8', 9),
        ),
        groups=(
            SbeGroup(
                'MDEntriesBids', 25047, 'uint8', 'uint8', 16,
                fields=(
                    SbeField('MDEntryPx', 270, 'int64', 0, exponent='PriceExponent'),
                    SbeField('MDEntrySize', 271, 'int64', 8, optional=True, exponent='QtyExponent'),
                ),
            ),
            SbeGroup(
                'MDEntriesAsks', 25048, 'uint8', 'uint8', 16,
                fields=(
                    SbeField('MDEntryPx', 270, 'int64', 0, exponent='PriceExponent'),
                    SbeField('MDEntrySize', 271, 'int64', 8, optional=True, exponent='QtyExponent'),
                ),
            ),
        ),
        data=(
            SbeData('Symbol', 55, 'uint8'),
        ),
    ),
    207: SbeMessageDef(
        'MarketDataIncrementalDepth', 207, 'X', 18,
        fields=(
            SbeField('FirstBookUpdateID', 25043, 'int64', 0),
            SbeField('LastBookUpdateID', 25044, 'int64', 8),
            SbeField('PriceExponent', 25054, 'int8', 16),
            SbeField('QtyExponent', 25055, 'int8', 17),
        ),
        groups=(
            SbeGroup(
                'MDEntriesBids', 25047, 'uint8', 'uint16', 16,
                fields=(
                    SbeField('MDEntryPx', 270, 'int64', 0, exponent='PriceExponent'),
                    SbeField('MDEntrySize', 271, 'int64', 8, optional=True, exponent='QtyExponent'),
                ),
            ),
            SbeGroup(
                'MDEntriesAsks', 25048, 'uint8', 'uint16', 16,
                fields=(
                    SbeField('MDEntryPx', 270, 'int64', 0, exponent='PriceExponent'),
                    SbeField('MDEntrySize', 271, 'int64', 8, optional=True, exponent='QtyExponent'),
                ),
            ),
        ),
        data=(
            SbeData('Symbol', 55, 'uint8'),
        ),
    ),
    20100: SbeMessageDef(
        'News', 20100, 'B', 0,
        fields=(
        ),
        data=(
            SbeData('Headline', 148, 'uint16'),
        ),
    ),
}
"""Each message by its templateId."""

BY_NAME: Final = {definition.name: definition for definition in MESSAGES.values()}
"""Each message by its name."""
