export {
  AssetExpressionCompiler,
  expressionPosition,
  type AssetExpression,
  type ExpressionPosition,
  type ExpressionScope,
} from './asset-expressions.js';
